using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coder.Cli.Config;

/// <summary>
/// The login, kept in the user's config folder (<c>$XDG_CONFIG_HOME/coder/config.json</c>, else <c>~/.config/coder</c>)
/// with 0600 permissions because it holds a token. <c>CODER_URL</c> and <c>CODER_TOKEN</c> override it.
/// </summary>
public sealed class ConfigStore(IReadOnlyDictionary<string, string?> environment)
{
    public string Path
    {
        get
        {
            string? xdg = environment.GetValueOrDefault("XDG_CONFIG_HOME");
            string root = xdg is { Length: > 0 } ? xdg : System.IO.Path.Combine(environment.GetValueOrDefault("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return System.IO.Path.Combine(root, "coder", "config.json");
        }
    }

    public CliConfig Load()
    {
        string? url = null, token = null;
        if (File.Exists(Path))
        {
            var node = JsonNode.Parse(File.ReadAllText(Path));
            url = (string?)node?["url"];
            token = (string?)node?["token"];
        }

        return new CliConfig(
            environment.GetValueOrDefault("CODER_URL") is { Length: > 0 } u ? u : url,
            environment.GetValueOrDefault("CODER_TOKEN") is { Length: > 0 } t ? t : token);
    }

    public void Save(CliConfig config)
    {
        string dir = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(dir);
        var json = new JsonObject { ["url"] = config.Url, ["token"] = config.Token }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        // Create the file 0600 before the token is written, so it is never readable by others, not even for a moment.
        string temp = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(json);
        }

        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, Path, overwrite: true);
    }
}
