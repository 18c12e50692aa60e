using Coder.Agent.Outbox;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Sessions;

/// <summary>Open sessions and the last activity time; every open and close is reported as a <c>session</c> event.</summary>
public sealed class SessionTracker(EventOutbox outbox, TimeProvider time)
{
    readonly Lock _gate = new();
    readonly Dictionary<string, string> _open = new(StringComparer.Ordinal);
    DateTimeOffset? _lastActivity;
    string? _drainReason;

    /// <summary>Why the control plane asked the agent to prepare (for example <c>scale</c>), or null when it did not.</summary>
    public string? DrainReason
    {
        get { lock (_gate) return _drainReason; }
        set { lock (_gate) _drainReason = value; }
    }

    /// <param name="kind">What the session is (<c>ssh</c>, <c>pty</c>, <c>exec</c>, <c>tcp</c>; <c>local</c> for the control socket's), so the control plane can say which session kept the workspace running.</param>
    public int Open(string id, string kind)
    {
        lock (_gate)
        {
            _lastActivity = time.GetUtcNow();
            if (_open.TryAdd(id, kind)) Report("open", id, kind);
            return _open.Count;
        }
    }

    /// <returns>The remaining count, or null when no such session was open.</returns>
    public int? Close(string id)
    {
        lock (_gate)
        {
            if (!_open.Remove(id, out var kind)) return null;
            _lastActivity = time.GetUtcNow();
            Report("close", id, kind);
            return _open.Count;
        }
    }

    public void Activity()
    {
        lock (_gate) _lastActivity = time.GetUtcNow();
    }

    public (int Active, DateTimeOffset? LastActivityAt) Snapshot()
    {
        lock (_gate) return (_open.Count, _lastActivity);
    }

    /// <summary>Reports the relay listener's state and sshd availability as a <c>session</c> event with change <c>connect</c>.</summary>
    public void ReportConnect(AgentConnectStatus status)
    {
        lock (_gate) Report("connect", connect: status);
    }

    void Report(string change, string? id = null, string? kind = null, AgentConnectStatus? connect = null) =>
        outbox.Append(AgentEventTypes.Session, new SessionPayload(_open.Count, _lastActivity, change) { SessionId = id, SessionKind = kind, Connect = connect },
            CoderJsonContext.Default.SessionPayload);
}
