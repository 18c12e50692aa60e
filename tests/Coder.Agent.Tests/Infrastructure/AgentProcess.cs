using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Coder.Agent.Tests.Infrastructure;

/// <summary>
/// A real agent process configured through its environment, as a provisioner starts it. It can be stopped with SIGTERM (a
/// clean shutdown) or SIGKILL (a crash), and started again on the same state folder.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    readonly ConcurrentQueue<string> _log = new();
    readonly Process _process;

    AgentProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>What the agent logged on stderr, for failure messages.</summary>
    public string Log => string.Join('\n', _log);

    public static AgentProcess Start(AgentOptions options)
    {
        var info = AgentBinary.StartInfo([]);
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("CODER_", StringComparison.Ordinal)).ToList()) info.Environment.Remove(key);
        Directory.CreateDirectory(options.WorkspaceDirectory);
        info.WorkingDirectory = options.WorkspaceDirectory;
        info.Environment["CODER_WORKSPACE_ID"] = options.WorkspaceId;
        info.Environment["CODER_AGENT_ID"] = options.AgentId;
        info.Environment["CODER_AGENT_TOKEN"] = options.Token;
        info.Environment["CODER_URL"] = options.ControlPlaneUrl;
        info.Environment["CODER_WORKSPACE_DIR"] = options.WorkspaceDirectory;
        info.Environment["CODER_AGENT_STATE_DIR"] = options.StateDirectory;
        info.Environment["CODER_AGENT_LOG_LEVEL"] = "debug";
        // Room to flush on a slow queue before exit, so the shutdown events arrive in the same run.
        info.Environment["CODER_AGENT_FLUSH_SECONDS"] = "60";
        info.Environment["CODER_AGENT_TRANSPORT"] = options.Transport;
        if (options.QueueConnectionString is not null) info.Environment["CODER_AGENT_QUEUE_CONNECTION"] = options.QueueConnectionString;
        if (options.QueueName is not null) info.Environment["CODER_AGENT_QUEUE_NAME"] = options.QueueName;
        return new AgentProcess(Process.Start(info) ?? throw new InvalidOperationException("The agent did not start."));
    }

    /// <summary>SIGTERM: the agent runs its shutdown scripts, reports shutting_down and off, and flushes.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGKILL: no shutdown sequence, no flush, exactly like a crash or an OOM kill.</summary>
    public async Task KillHardAsync()
    {
        Signal("KILL");
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    void Signal(string signal)
    {
        if (_process.HasExited) return;
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
