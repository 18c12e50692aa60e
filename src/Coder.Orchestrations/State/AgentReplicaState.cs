using Coder.Contracts.Agents;

namespace Coder.Orchestrations.State;

public sealed record AgentReplicaState(AgentLifecycle Lifecycle, string? Reason, DateTimeOffset? LastHeartbeatAt);
