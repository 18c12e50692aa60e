using System.Diagnostics;
using Coder.Agent.Diagnostics;
using Coder.Agent.Scripts;
using Coder.Connect.Protocol;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Connect;

/// <summary>
/// A byte stream to an <c>sshd -i</c> started for this session: the peer's data is sshd's stdin, sshd's stdout comes back
/// on stdout (its first bytes are sshd's version banner), and sshd's exit code ends the session.
/// </summary>
public sealed class SshSession(uint id, MuxFrameWriter writer, SshServer server, string workingDirectory, Action<IDictionary<string, string?>>? environment, ILogger logger)
    : MuxSession(id, writer)
{
    Process? _process;
    volatile bool _aborted;

    public override async Task RunAsync(CancellationToken cancellationToken)
    {
        // What shells and commands get (manifest env, parameters, the owner's secrets): sshd builds its sessions'
        // environment itself, so it is told through the config it reads.
        var sessionEnvironment = new Dictionary<string, string?>(StringComparer.Ordinal);
        environment?.Invoke(sessionEnvironment);
        var arguments = await server.PrepareAsync(sessionEnvironment, cancellationToken);
        try
        {
            if (_aborted) return;
            var info = ProcessGroup.CreateStartInfo(server.Executable!, arguments, workingDirectory);
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {server.Executable}");
            _process = process;
            // An abort while the keys were fetched or sshd was starting found no process to kill.
            if (_aborted) ProcessGroup.Kill(process);
            var input = PumpInputAsync(process.StandardInput.BaseStream, process.StandardInput.Close, cancellationToken);
            var output = PumpOutputAsync(process.StandardOutput.BaseStream, MuxChannel.Stdout, cancellationToken);
            var diagnostics = LogDiagnosticsAsync(process.StandardError, cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(output, diagnostics);
            EndInput();
            await input;
            await Writer.SendAsync(MuxFrame.Exit(Id, process.ExitCode), cancellationToken);
        }
        finally
        {
            SshServer.Forget(arguments);
        }

        await Writer.SendAsync(MuxFrame.Close(Id), cancellationToken);
    }

    /// <summary>sshd -e writes its log to stderr; it goes to the agent's log, not to the SSH client's byte stream.</summary>
    async Task LogDiagnosticsAsync(StreamReader errors, CancellationToken cancellationToken)
    {
        while (await errors.ReadLineAsync(cancellationToken) is { } line) Log.SshdOutput(logger, line);
    }

    public override void Abort()
    {
        _aborted = true;
        if (_process is { } process) ProcessGroup.Kill(process);
    }
}
