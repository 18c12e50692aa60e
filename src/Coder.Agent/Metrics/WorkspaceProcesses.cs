using System.Collections.Concurrent;

namespace Coder.Agent.Metrics;

/// <summary>
/// The process sessions the agent started (each script runs as its own session leader). A background daemon a startup
/// script left behind keeps its session id after it is re-parented, so it still counts as part of the workspace.
/// </summary>
public sealed class WorkspaceProcesses
{
    readonly ConcurrentDictionary<int, byte> _sessions = new();

    public void AddSession(int sessionId) => _sessions.TryAdd(sessionId, 0);

    public bool IsTrackedSession(int sessionId) => _sessions.ContainsKey(sessionId);

    /// <summary>The sessions tracked now. A sample takes this before it reads <c>/proc</c>, and may forget only these.</summary>
    public IReadOnlyList<int> Tracked() => [.. _sessions.Keys];

    /// <summary>
    /// Forgets the sessions of <paramref name="trackedAtRead"/> that no process is in any more, so recycled pids are not
    /// miscounted. A session added while the sample was reading is not in <paramref name="trackedAtRead"/> and is kept:
    /// forgetting it would lose a script's background children for good once the script exits.
    /// </summary>
    public void Retain(IReadOnlyList<int> trackedAtRead, IReadOnlySet<int> liveSessions)
    {
        foreach (int session in trackedAtRead)
        {
            if (!liveSessions.Contains(session)) _sessions.TryRemove(session, out _);
        }
    }
}
