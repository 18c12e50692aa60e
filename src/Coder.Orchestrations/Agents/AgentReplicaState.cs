using Coder.Contracts.Agents;

namespace Coder.Orchestrations.Agents;

public sealed record AgentReplicaState(AgentLifecycle Lifecycle, string? Reason, DateTimeOffset? LastHeartbeatAt);
