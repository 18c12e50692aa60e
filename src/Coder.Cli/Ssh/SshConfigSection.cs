using System.Text;

namespace Coder.Cli.Ssh;

/// <summary>
/// The part of an OpenSSH client config that <c>coder config-ssh</c> owns: one <c>Host coder.&lt;ws&gt;</c> per workspace
/// between two marker lines. Everything outside the markers is the user's and is kept byte for byte.
/// </summary>
public static class SshConfigSection
{
    public const string StartMarker = "# ------------START-CODER-----------";
    public const string EndMarker = "# ------------END-CODER------------";
    public const string HostPrefix = "coder.";

    /// <summary>
    /// A workspace's entry: its name (the host is <c>coder.&lt;name&gt;</c>), its id (its own known-hosts file) and the user
    /// its agent said SSH clients log in as (sshd runs as that user and lets in no other; <c>coder</c> in a sandbox).
    /// </summary>
    public sealed record Entry(string Name, string Id, string User = DefaultUser);

    public const string DefaultUser = "coder";

    /// <param name="proxyCommand">This coder as argv (<c>[coder]</c> or <c>[dotnet, coder.dll]</c>).</param>
    public static string Render(IEnumerable<Entry> workspaces, IReadOnlyList<string> proxyCommand, string identityFile, string knownHostsDirectory)
    {
        var text = new StringBuilder();
        text.Append(StartMarker).Append('\n');
        text.Append("# Written by `coder config-ssh`; it rewrites what is between these markers. `ssh coder.<workspace>` connects.\n");
        foreach (var workspace in workspaces)
        {
            text.Append("Host ").Append(HostPrefix).Append(workspace.Name).Append('\n');
            text.Append("  User ").Append(workspace.User).Append('\n');
            text.Append("  ProxyCommand ").Append(ProxyCommand(proxyCommand, workspace.Name)).Append('\n');
            text.Append("  IdentityFile ").Append(ConfigArgument(identityFile)).Append('\n');
            text.Append("  IdentitiesOnly yes\n");
            // Each workspace keeps its own host key: trusted on first use, in a file of that workspace alone, so a
            // workspace recreated under the same name starts a new file instead of tripping over the old key.
            text.Append("  UserKnownHostsFile ").Append(ConfigArgument(Path.Combine(knownHostsDirectory, workspace.Id))).Append('\n');
            text.Append("  StrictHostKeyChecking accept-new\n");
            text.Append("  LogLevel ERROR\n");
        }

        text.Append(EndMarker).Append('\n');
        return text.ToString();
    }

    /// <summary><paramref name="existing"/> with its coder section replaced by <paramref name="section"/> (appended if it has none).</summary>
    public static string Apply(string existing, string section)
    {
        int start = existing.IndexOf(StartMarker, StringComparison.Ordinal);
        if (start >= 0 && (start == 0 || existing[start - 1] == '\n'))
        {
            int end = existing.IndexOf(EndMarker, start, StringComparison.Ordinal);
            if (end < 0) throw new InvalidDataException($"the file has '{StartMarker}' but no '{EndMarker}' after it; fix it by hand");
            int after = end + EndMarker.Length;
            if (after < existing.Length && existing[after] == '\n') after++;
            return existing[..start] + section + existing[after..];
        }

        if (existing.Length == 0) return section;
        string separator = existing.EndsWith("\n\n", StringComparison.Ordinal) ? "" : existing.EndsWith('\n') ? "\n" : "\n\n";
        return existing + separator + section;
    }

    /// <summary>The hosts a section names (to say what changed).</summary>
    public static IReadOnlySet<string> Hosts(string config)
    {
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        int start = config.IndexOf(StartMarker, StringComparison.Ordinal);
        int end = start < 0 ? -1 : config.IndexOf(EndMarker, start, StringComparison.Ordinal);
        if (end < 0) return hosts;
        foreach (string line in config[start..end].Split('\n'))
        {
            if (line.StartsWith("Host ", StringComparison.Ordinal)) hosts.Add(line[5..].Trim());
        }

        return hosts;
    }

    /// <summary>
    /// ssh hands ProxyCommand to the user's shell after expanding <c>%</c> tokens, so each word is quoted for a POSIX
    /// shell and every <c>%</c> doubled.
    /// </summary>
    static string ProxyCommand(IReadOnlyList<string> coder, string workspace) =>
        string.Join(' ', coder.Select(ShellWord).Concat(["ssh", "--stdio", ShellWord(workspace)])).Replace("%", "%%", StringComparison.Ordinal);

    static string ShellWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A path argument of ssh_config: double-quoted when it has blanks, <c>%</c> doubled (ssh expands tokens in these too).</summary>
    static string ConfigArgument(string path)
    {
        if (path.Contains('"', StringComparison.Ordinal)) throw new ArgumentException($"ssh_config cannot name a path with a double quote: {path}", nameof(path));
        string escaped = path.Replace("%", "%%", StringComparison.Ordinal);
        return escaped.Any(char.IsWhiteSpace) ? $"\"{escaped}\"" : escaped;
    }
}
