using System.Text.Json;
using Coder.Agent.Diagnostics;
using Coder.Agent.Outbox;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Lifecycle;

/// <summary>
/// Reports lifecycle states strictly forward (<see cref="AgentLifecycleOrder"/>), like Coder's agent which rejects backward
/// moves. The last state is persisted per agent id, so an agent restarted after a crash continues where it was.
/// </summary>
public sealed class LifecycleReporter
{
    const string FileName = "lifecycle.json";
    readonly Lock _gate = new();
    readonly EventOutbox _outbox;
    readonly string _path;
    readonly string _agentId;
    readonly ILogger _logger;

    public LifecycleReporter(EventOutbox outbox, string stateDirectory, string agentId, ILogger logger)
    {
        _outbox = outbox;
        _path = Path.Combine(stateDirectory, FileName);
        _agentId = agentId;
        _logger = logger;
        Current = LoadPrevious();
    }

    /// <summary>The last state reported, or null when this agent id has reported nothing yet.</summary>
    public AgentLifecycle? Current { get; private set; }

    /// <returns>True when the state was reported; false when it would move backwards (or sideways) and was ignored.</returns>
    public bool Report(AgentLifecycle state, string? reason = null)
    {
        lock (_gate)
        {
            if (Current is { } current && !AgentLifecycleOrder.IsForward(current, state))
            {
                Log.LifecycleIgnored(_logger, state, current);
                return false;
            }
            _outbox.Append(AgentEventTypes.Lifecycle, new LifecyclePayload(state, reason), CoderJsonContext.Default.LifecyclePayload);
            Current = state;
            // The event above is the durable record (fsynced). This checkpoint only spares a restarted agent its startup
            // scripts; it survives kill -9 without an fsync, and after a power loss an older state just repeats a state the
            // control plane's forward-only ingest ignores.
            DurableFile.WriteAtomically(_path,
                JsonSerializer.SerializeToUtf8Bytes(new LifecycleCheckpoint(_agentId, state), AgentJsonContext.Default.LifecycleCheckpoint), flushToDisk: false);
            Log.LifecycleReported(_logger, state, reason);
            return true;
        }
    }

    AgentLifecycle? LoadPrevious()
    {
        try
        {
            if (!File.Exists(_path)) return null;
            var checkpoint = JsonSerializer.Deserialize(File.ReadAllBytes(_path), AgentJsonContext.Default.LifecycleCheckpoint);
            // A new agent id (a new process, build or replica) starts its own lifecycle; so does one that reached off cleanly.
            return checkpoint is not null && checkpoint.AgentId == _agentId && checkpoint.State != AgentLifecycle.Off ? checkpoint.State : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
