using Coder.Agent.Outbox;
using Coder.Agent.Sessions;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Runtime;

/// <summary>
/// Answers the manifest's drain hint once per hint id: it tells tools in the workspace (the session socket's status shows
/// <c>draining=…</c>) and reports a <c>drain</c> event with the open session count, so the control plane can go on with
/// the resize. A manifest without a hint clears the flag.
/// </summary>
public sealed class DrainResponder(EventOutbox outbox, SessionTracker sessions)
{
    readonly Lock _gate = new();
    string? _answered;

    public void Observe(AgentManifest manifest)
    {
        lock (_gate)
        {
            if (manifest.Drain is not { } hint)
            {
                sessions.DrainReason = null;
                _answered = null;
                return;
            }
            if (hint.Id == _answered) return;
            _answered = hint.Id;
            sessions.DrainReason = hint.Reason;
            outbox.Append(AgentEventTypes.Drain, new DrainPayload(hint.Id, sessions.Snapshot().Active), CoderJsonContext.Default.DrainPayload);
        }
    }
}
