using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Coder.Agent.Connect;

/// <summary>
/// The workspace's OpenSSH server for <c>ssh</c> sessions: one <c>sshd -i</c> per session, run as the agent's own user with
/// a config generated in the agent's state directory, a host key generated once per workspace and kept there, and the
/// owner's authorized keys written fresh before each session.
/// </summary>
public sealed class SshServer(string? executable, string stateDirectory, Func<CancellationToken, Task<IReadOnlyList<string>>> authorizedKeys)
{
    public const string NotInstalled = "sshd is not installed in this workspace image";
    static readonly string[] Candidates = ["/usr/sbin/sshd"];
    readonly string _directory = Path.Combine(stateDirectory, "ssh");
    const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    readonly SemaphoreSlim _hostKeyGate = new(1, 1);

    /// <summary>The sshd binary, or null when the image has none (ssh sessions are then refused).</summary>
    public string? Executable => executable;

    public string HostKeyPath => Path.Combine(_directory, "ssh_host_ed25519_key");

    public string AuthorizedKeysPath => Path.Combine(_directory, "authorized_keys");

    /// <summary>/usr/sbin/sshd, else the first <c>sshd</c> on PATH, else null.</summary>
    public static string? Locate(string? path = null)
    {
        var directories = (path ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return Candidates.Concat(directories.Select(d => Path.Combine(d, "sshd"))).FirstOrDefault(IsExecutable);
    }

    static bool IsExecutable(string file) =>
        File.Exists(file) && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>
    /// Writes the config (with <paramref name="environment"/> as <c>SetEnv</c> for the session), the host key (once) and the
    /// current authorized keys; returns sshd's arguments.
    /// </summary>
    public async Task<IReadOnlyList<string>> PrepareAsync(IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        if (executable is null) throw new InvalidOperationException(NotInstalled);
        // Public material only, readable by the login user (sshd reads authorized keys as that user); the host key is 0600.
        Directory.CreateDirectory(_directory, Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        await EnsureHostKeyAsync(cancellationToken);
        var keys = await authorizedKeys(cancellationToken);
        WriteReadable(AuthorizedKeysPath, string.Concat(keys.Select(k => k.Trim() + "\n")));
        // The config carries the session's environment (the owner's secrets among it): sshd runs as the agent's user and
        // is the only reader, so 0600. Each session writes its own, so concurrent sessions never read a half-written one.
        string config = Path.Combine(_directory, $"sshd_config.{Guid.NewGuid():N}");
        File.WriteAllText(config, Config(environment), new UTF8Encoding(false));
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (Environment.IsPrivilegedProcess)
        {
            // As root sshd separates privileges into this directory; images install it but only create it when the service starts.
            Directory.CreateDirectory("/run/sshd", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return ["-i", "-e", "-f", config];
    }

    /// <summary>Deletes the session's config (its environment holds secrets) once its sshd has ended.</summary>
    public static void Forget(IReadOnlyList<string> arguments) => File.Delete(arguments[^1]);

    string Config(IReadOnlyDictionary<string, string?> environment) => string.Join('\n', [.. BaseConfig(), SetEnv(environment), ""]);

    /// <summary>
    /// One <c>SetEnv NAME="value" ...</c> line (sshd_config(5), OpenSSH 8.7+; sshd takes only the first SetEnv line):
    /// double quotes, with <c>\"</c> and <c>\\</c> escaped as its argument splitter reads them. A value with a line break
    /// cannot be written in a config line; it is left out.
    /// </summary>
    static string SetEnv(IReadOnlyDictionary<string, string?> environment)
    {
        var pairs = environment
            .Where(e => e.Value is not null && IsName(e.Key) && e.Value.IndexOfAny(['\n', '\r', '\0']) < 0)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => $"{e.Key}=\"{e.Value!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"")
            .ToList();
        return pairs.Count == 0 ? "" : "SetEnv " + string.Join(' ', pairs);
    }

    static bool IsName(string name) => name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    string[] BaseConfig() => [
        $"HostKey {HostKeyPath}",
        $"AuthorizedKeysFile {AuthorizedKeysPath}",
        "PidFile none",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",
        // The state directory lives in the workspace; its owner is the only user anyway.
        "StrictModes no",
        "PrintMotd no",
        "LogLevel ERROR",
        "Subsystem sftp internal-sftp",
    ];

    async Task EnsureHostKeyAsync(CancellationToken cancellationToken)
    {
        await _hostKeyGate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(HostKeyPath)) return;
            string partial = HostKeyPath + ".new";
            File.Delete(partial);
            File.Delete(partial + ".pub");
            var info = new ProcessStartInfo("ssh-keygen") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in (string[])["-q", "-t", "ed25519", "-N", "", "-C", "coder-workspace", "-f", partial]) info.ArgumentList.Add(argument);
            using var keygen = Process.Start(info) ?? throw new InvalidOperationException("could not start ssh-keygen");
            string errors = await keygen.StandardError.ReadToEndAsync(cancellationToken);
            await keygen.WaitForExitAsync(cancellationToken);
            if (keygen.ExitCode != 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"ssh-keygen exited with {keygen.ExitCode}: {errors.Trim()}"));
            }

            File.Move(partial + ".pub", HostKeyPath + ".pub", overwrite: true);
            File.Move(partial, HostKeyPath, overwrite: true);
        }
        finally
        {
            _hostKeyGate.Release();
        }
    }

    static void WriteReadable(string path, string content)
    {
        string partial = path + ".new";
        File.WriteAllText(partial, content, new UTF8Encoding(false));
        File.SetUnixFileMode(partial, Readable);
        File.Move(partial, path, overwrite: true);
    }
}
