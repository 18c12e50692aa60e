using Coder.Contracts.Connect;

namespace Coder.Contracts.Agents;

/// <summary>A lifecycle change; an agent that listens on the relay adds its <see cref="AgentConnectState"/> (<c>connect</c>).</summary>
public sealed record LifecyclePayload(AgentLifecycle State, string? Reason = null, AgentConnectState? Connect = null);
