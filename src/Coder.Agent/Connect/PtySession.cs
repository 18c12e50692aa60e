using Coder.Agent.Configuration;
using Coder.Connect.Protocol;
using System.Diagnostics;
using Coder.Agent.Scripts;
using Microsoft.Win32.SafeHandles;

namespace Coder.Agent.Connect;

/// <summary>
/// An interactive shell in a pseudo-terminal. .NET cannot fork safely, so the agent opens the terminal pair itself
/// (<c>posix_openpt</c>) and starts the shell through <c>/bin/sh</c> and <c>setsid -c</c>: the subordinate end becomes
/// the shell's stdin, stdout, stderr and controlling terminal, so 0x03 typed on the terminal interrupts the foreground job
/// and <c>TIOCSWINSZ</c> reaches it as SIGWINCH.
/// </summary>
public sealed class PtySession(uint id, MuxFrameWriter writer, IReadOnlyList<string>? shell, ushort cols, ushort rows, string workingDirectory,
    Action<IDictionary<string, string?>>? environment = null)
    : MuxSession(id, writer)
{
    // The shell starts with default signal dispositions (ProcessGroup.DefaultSignals), as sshd and login give it: a host
    // started in the background hands its agent SIGINT ignored, and ^C on the terminal then reached a sleep that ignored it.
    const string Launcher = "pts=$1; shift; exec setsid -c \"$@\" <\"$pts\" >\"$pts\" 2>&1";
    const int SigHangUp = 1;
    const int SigKill = 9;
    static readonly TimeSpan DrainAfterExit = TimeSpan.FromSeconds(2);

    int _terminal = -1;
    Process? _process;
    volatile bool _aborted;

    public override async Task RunAsync(CancellationToken cancellationToken)
    {
        int terminal = PtyNative.OpenPseudoTerminal(PtyNative.ReadWrite | PtyNative.NoControllingTerminal);
        if (terminal < 0) throw new IOException("posix_openpt failed: no pseudo-terminal is available");
        using var output = new FileStream(new SafeFileHandle(terminal, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        using var input = new FileStream(new SafeFileHandle(PtyNative.Duplicate(terminal), ownsHandle: true), FileAccess.Write, bufferSize: 0);
        if (PtyNative.Grant(terminal) != 0 || PtyNative.Unlock(terminal) != 0) throw new IOException("grantpt/unlockpt failed");
        PtyNative.Resize(terminal, cols, rows);
        _terminal = terminal;
        try
        {

            var info = new ProcessStartInfo("/bin/sh")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(Launcher);
            info.ArgumentList.Add("coder-pty");
            info.ArgumentList.Add(PtyNative.SubordinatePath(terminal));
            foreach (string part in ProcessGroup.DefaultSignals.Concat(shell is { Count: > 0 } ? shell : DefaultShell())) info.ArgumentList.Add(part);
            AgentSettings.RemoveSecrets(info.Environment);
            environment?.Invoke(info.Environment);
            info.Environment["TERM"] = Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term && term != "dumb" ? term : "xterm-256color";

            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the shell");
            _process = process;
            if (_aborted) Abort(); // The connection ended while the shell was starting.
            process.StandardInput.Close();
            var typed = PumpInputAsync(input, () => Abort(), cancellationToken);
            var shown = PumpOutputAsync(output, MuxChannel.Stdout, cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            // The terminal reports EIO once nothing holds its other end; a background job that still does must not hold the session.
            await Task.WhenAny(shown, Task.Delay(DrainAfterExit, cancellationToken));
            EndInput();
            await typed;
            await Writer.SendAsync(MuxFrame.Exit(Id, process.ExitCode), cancellationToken);
            await Writer.SendAsync(MuxFrame.Close(Id), cancellationToken);
        }
        finally
        {
            // The descriptor closes with this method; a later Abort must not read a number the process may reuse.
            _terminal = -1;
        }
    }

    public override void Resize(ushort newCols, ushort newRows)
    {
        if (_terminal >= 0) PtyNative.Resize(_terminal, newCols, newRows);
    }

    public override void Signal(int signal)
    {
        if (_process is { } process) _ = PtyNative.Kill(-process.Id, signal);
    }

    /// <summary>Hangs up the shell's session, as a closed terminal window does, and kills what is left of its group.</summary>
    public override void Abort()
    {
        _aborted = true;
        if (_process is not { } process) return;
        try
        {
            // The job a shell runs in the foreground has a process group of its own, which the shell's group does not
            // reach: it is hung up too, as a closed terminal hangs up its foreground job.
            int foreground = _terminal >= 0 ? PtyNative.ForegroundGroup(_terminal) : -1;
            if (foreground > 0 && foreground != process.Id)
            {
                _ = PtyNative.Kill(-foreground, SigHangUp);
                _ = PtyNative.Kill(-foreground, SigKill);
            }

            if (process.HasExited) return;
            _ = PtyNative.Kill(-process.Id, SigHangUp);
            _ = PtyNative.Kill(-process.Id, SigKill);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    static string[] DefaultShell()
    {
        string? user = Environment.GetEnvironmentVariable("SHELL");
        string path = user is { Length: > 0 } && File.Exists(user) ? user : File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";
        return [path, "-i"];
    }
}
