using Coder.Contracts.Agents;

namespace Coder.Agent.Lifecycle;

/// <summary>The last lifecycle state this agent id reported, so a restarted agent never reports backwards.</summary>
public sealed record LifecycleCheckpoint(string AgentId, AgentLifecycle State);
