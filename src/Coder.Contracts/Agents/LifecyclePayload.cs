namespace Coder.Contracts.Agents;

public sealed record LifecyclePayload(AgentLifecycle State, string? Reason = null);
