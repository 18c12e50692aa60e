using System.Collections.Concurrent;

namespace Coder.Agent.Metrics;

/// <summary>
/// The process sessions the agent started (each script runs as its own session leader). A background daemon a startup
/// script left behind keeps its session id after it is re-parented, so it still counts as part of the workspace.
/// </summary>
internal sealed class WorkspaceProcesses
{
    private readonly ConcurrentDictionary<int, byte> _sessions = new();

    public void AddSession(int sessionId) => _sessions.TryAdd(sessionId, 0);

    public bool IsTrackedSession(int sessionId) => _sessions.ContainsKey(sessionId);

    /// <summary>Forgets sessions that no longer have any process, so recycled pids are not miscounted.</summary>
    public void Retain(IReadOnlySet<int> liveSessions)
    {
        foreach (int session in _sessions.Keys)
        {
            if (!liveSessions.Contains(session)) _sessions.TryRemove(session, out _);
        }
    }
}
