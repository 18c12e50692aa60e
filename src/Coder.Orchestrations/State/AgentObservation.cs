using Coder.Contracts.Agents;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.State;

/// <summary>
/// The live build's agents as observed: what <c>GET</c> shows and what the reconciler, the autoscaler and the health gates
/// read. <see cref="Of"/> builds it from the workspace (which build is live) and its agents row (what that build reported).
/// </summary>
public sealed record AgentObservation(
    AgentLifecycle Lifecycle,
    string Connection,
    DateTimeOffset? LastHeartbeatAt,
    string? AgentStates,
    double? CpuPercent,
    double? MemoryPercent,
    long? DiskUsedBytes,
    int? Sessions,
    DateTimeOffset? LastActivityAt,
    string? LastSession = null)
{
    /// <summary>A build nothing was heard from yet.</summary>
    public static AgentObservation None { get; } = new(AgentLifecycle.Created, "connecting", null, null, null, null, null, null, null);

    /// <summary>
    /// The live build's section of <paramref name="agents"/>; in the moment between a blue-green switch and the promotion of
    /// green's section, green's; when the row describes another build, <see cref="None"/>.
    /// </summary>
    public static AgentObservation Of(WorkspaceEntity workspace, WorkspaceAgentsEntity agents)
    {
        string? build = workspace.AgentBuild;
        if (agents.Build == build)
        {
            return new(WireNames.TryParse<AgentLifecycle>(agents.Lifecycle, out var l) ? l : AgentLifecycle.Created, agents.Connection, agents.LastHeartbeatAt,
                agents.AgentStates, agents.CpuPercent, agents.MemoryPercent, agents.DiskUsedBytes, agents.Sessions, agents.LastActivityAt, agents.LastSession);
        }

        if (build is not null && agents.PendingBuild == build)
        {
            var lifecycle = State.AgentStates.Aggregate(State.AgentStates.Parse(agents.PendingAgentStates), workspace.Replicas);
            return None with { Lifecycle = lifecycle, Connection = agents.PendingHeartbeatAt is null ? "connecting" : "connected", LastHeartbeatAt = agents.PendingHeartbeatAt, AgentStates = agents.PendingAgentStates };
        }

        return None;
    }
}
