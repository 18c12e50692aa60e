using System.Text.Json;
using System.Text.Json.Nodes;
using Coder.Contracts.Files;

namespace Coder.Cli.Config;

/// <summary>
/// The login, kept in the user's config folder (<c>$XDG_CONFIG_HOME/coder/config.json</c>, else <c>~/.config/coder</c>)
/// with 0600 permissions because it holds a token. <c>CODER_URL</c> and <c>CODER_TOKEN</c> override it.
/// </summary>
public sealed class ConfigStore(IReadOnlyDictionary<string, string?> environment)
{
    /// <summary>The user's home (<c>HOME</c>), where <c>~/.ssh/config</c> is.</summary>
    public string HomeDirectory => environment.GetValueOrDefault("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public string Path
    {
        get
        {
            string? xdg = environment.GetValueOrDefault("XDG_CONFIG_HOME");
            string root = xdg is { Length: > 0 } ? xdg : System.IO.Path.Combine(HomeDirectory, ".config");
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
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var json = new JsonObject { ["url"] = config.Url, ["token"] = config.Token }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        SecretFile.Write(Path, json);
    }
}
