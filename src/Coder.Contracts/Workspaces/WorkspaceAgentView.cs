using Coder.Contracts.Agents;

namespace Coder.Contracts.Workspaces;

public sealed record WorkspaceAgentView(
    AgentLifecycle Lifecycle,
    AgentConnection Connection,
    DateTimeOffset? LastHeartbeatAt,
    WorkspaceMetricsView Metrics)
{
    /// <summary>Reported by an agent that listens on the relay; null otherwise.</summary>
    public Connect.AgentConnectView? Connect { get; init; }
}
