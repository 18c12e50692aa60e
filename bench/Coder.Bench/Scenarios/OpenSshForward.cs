using System.Diagnostics;
using Coder.Local.Storage;

namespace Coder.Bench.Scenarios;

/// <summary>
/// The baseline: a stock OpenSSH <c>sshd</c> on a loopback port with a throwaway host key and client key, and
/// <c>ssh -N -L</c> forwarding local ports to the same targets the relay forward reaches.
/// </summary>
sealed class OpenSshForward : IAsyncDisposable
{
    readonly Process _sshd;
    readonly Process _ssh;

    OpenSshForward(Process sshd, Process ssh)
    {
        _sshd = sshd;
        _ssh = ssh;
    }

    public static bool Available(out string? reason)
    {
        reason = new[] { "/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen" }.FirstOrDefault(path => !File.Exists(path)) is { } missing
            ? $"{missing} is not installed (Debian: openssh-server, openssh-client)"
            : null;
        return reason is null;
    }

    /// <summary>Starts sshd and the forward of each (local, remote) port pair; returns once every local port accepts.</summary>
    public static async Task<OpenSshForward> StartAsync(string directory, IReadOnlyList<(int Local, int Remote)> forwards, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        string hostKey = Path.Combine(directory, "host_ed25519");
        string userKey = Path.Combine(directory, "user_ed25519");
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey], cancellationToken);
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", userKey], cancellationToken);
        string authorized = Path.Combine(directory, "authorized_keys");
        File.Copy(userKey + ".pub", authorized, overwrite: true);
        int port = FreePorts.Next();
        string config = Path.Combine(directory, "sshd_config");
        File.WriteAllText(config, $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            AuthorizedKeysFile {authorized}
            PidFile none
            UsePAM no
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            AllowTcpForwarding yes
            """);
        Directory.CreateDirectory("/run/sshd"); // the privilege-separation directory sshd wants when it runs as root

        var sshd = Start("/usr/sbin/sshd", ["-D", "-e", "-f", config]);
        await WaitListeningAsync(port, sshd, cancellationToken);
        var args = new List<string>
        {
            "-N", "-i", userKey, "-p", port.ToString(), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-o", "LogLevel=ERROR",
        };
        foreach (var (local, remote) in forwards)
        {
            args.Add("-L");
            args.Add($"127.0.0.1:{local}:127.0.0.1:{remote}");
        }

        args.Add($"{Environment.UserName}@127.0.0.1");
        var ssh = Start("ssh", args);
        foreach (var (local, _) in forwards) await WaitListeningAsync(local, ssh, cancellationToken);
        return new OpenSshForward(sshd, ssh);
    }

    internal static async Task WaitListeningAsync(int port, Process owner, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!await FreePorts.IsListeningAsync(port, cancellationToken))
        {
            if (owner.HasExited) throw new InvalidOperationException($"{owner.StartInfo.FileName} exited ({owner.ExitCode}) before port {port} listened: {await owner.StandardError.ReadToEndAsync(cancellationToken)}");
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"port {port} did not listen within 60 s");
            await Task.Delay(50, cancellationToken); // poll interval of a wait bounded by its deadline
        }
    }

    static Process Start(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in args) psi.ArgumentList.Add(arg);
        return Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start");
    }

    static async Task RunAsync(string program, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        using var process = Start(program, args);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} failed: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { _ssh, _sshd })
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }
}
