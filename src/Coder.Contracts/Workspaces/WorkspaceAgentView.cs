using Coder.Contracts.Agents;

namespace Coder.Contracts.Workspaces;

public sealed record WorkspaceAgentView(
    AgentLifecycle Lifecycle,
    AgentConnection Connection,
    DateTimeOffset? LastHeartbeatAt,
    WorkspaceMetricsView Metrics);
