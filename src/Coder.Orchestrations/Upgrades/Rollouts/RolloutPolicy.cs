using Coder.Contracts.Agents;

namespace Coder.Orchestrations.Upgrades.Rollouts;

/// <summary>Rollout decisions as pure functions over data: batch sizes, the failure share, and the health gate.</summary>
public static class RolloutPolicy
{
    /// <summary>
    /// Batch sizes for <paramref name="count"/> workspaces: a canary of <paramref name="canaryPercent"/> of them (rounded
    /// up, at least 1), then batches of at most <paramref name="batchSize"/>.
    /// </summary>
    public static IReadOnlyList<int> BatchSizes(int count, double canaryPercent, int batchSize)
    {
        if (count <= 0) return [];
        int canary = Math.Clamp((int)Math.Ceiling(count * canaryPercent / 100.0 - 1e-9), 1, count);
        var sizes = new List<int> { canary };
        for (int left = count - canary; left > 0; left -= batchSize) sizes.Add(Math.Min(batchSize, left));
        return sizes;
    }

    /// <summary>The failed share of the workspaces tried so far, in percent (0 when none were tried).</summary>
    public static double FailedPercent(int failed, int attempted) => attempted == 0 ? 0 : Math.Round(100.0 * failed / attempted, 2);

    /// <summary>The rollout stops when the failed share passes the allowed share.</summary>
    public static bool ShouldStop(int failed, int attempted, double maxFailedPercent) => failed > 0 && FailedPercent(failed, attempted) > maxFailedPercent;

    /// <summary>
    /// The health gate for one upgraded workspace: running, agent ready (no start_error), heartbeats fresh, and fewer agent
    /// restarts in the bake window than the threshold. Returns null when healthy, otherwise the reason.
    /// </summary>
    public static string? HealthProblem(string status, AgentLifecycle lifecycle, DateTimeOffset? lastHeartbeatAt, DateTimeOffset now, TimeSpan staleAfter, int restartsInWindow, int restartThreshold)
    {
        if (lifecycle == AgentLifecycle.StartError) return "agent_start_error: a startup script that blocks ready failed.";
        if (status != Common.WireNames.Of(Contracts.Workspaces.WorkspaceStatus.Running)) return $"workspace_not_running: the workspace is {status}.";
        if (lifecycle != AgentLifecycle.Ready) return $"agent_not_ready: the agent is {Common.WireNames.Of(lifecycle)}.";
        if (lastHeartbeatAt is not { } beat || now - beat > staleAfter)
            return $"heartbeat_stale: no heartbeat for {(lastHeartbeatAt is { } b ? (now - b).TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " s" : "ever")} (limit {staleAfter.TotalSeconds:0} s).";
        if (restartsInWindow >= restartThreshold) return $"crash_restarts: the agent restarted {restartsInWindow} times in the bake window (limit below {restartThreshold}).";
        return null;
    }
}
