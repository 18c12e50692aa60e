using Coder.Connect.Protocol;
using System.Diagnostics;
using Coder.Agent.Scripts;

namespace Coder.Agent.Connect;

/// <summary>A non-interactive command: stdin from the peer, stdout and stderr on their own channels, then its exit code.</summary>
public sealed class ExecSession(uint id, MuxFrameWriter writer, IReadOnlyList<string> command, string workingDirectory,
    Action<IDictionary<string, string?>>? environment = null) : MuxSession(id, writer)
{
    Process? _process;
    volatile bool _aborted;

    public override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_aborted) return;
        var info = ProcessGroup.CreateStartInfo(command[0], command.Skip(1), workingDirectory);
        environment?.Invoke(info.Environment);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command[0]}");
        _process = process;
        // An abort that came while the process was starting found no process to kill (a client that floods its window
        // right after open did that under load, and the session then lived as long as its command).
        if (_aborted) ProcessGroup.Kill(process);
        var input = PumpInputAsync(process.StandardInput.BaseStream, process.StandardInput.Close, cancellationToken);
        var stdout = PumpOutputAsync(process.StandardOutput.BaseStream, MuxChannel.Stdout, cancellationToken);
        var stderr = PumpOutputAsync(process.StandardError.BaseStream, MuxChannel.Stderr, cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await Task.WhenAll(stdout, stderr);
        EndInput();
        await input;
        await Writer.SendAsync(MuxFrame.Exit(Id, process.ExitCode), cancellationToken);
        await Writer.SendAsync(MuxFrame.Close(Id), cancellationToken);
    }

    public override void Signal(int signal)
    {
        if (_process is { } process) _ = PtyNative.Kill(-process.Id, signal); // The command leads its own process group (setsid).
    }

    public override void Abort()
    {
        _aborted = true;
        if (_process is { } process) ProcessGroup.Kill(process);
    }
}
