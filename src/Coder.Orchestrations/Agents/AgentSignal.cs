using Coder.Contracts.Agents;

namespace Coder.Orchestrations.Agents;

/// <summary>Raised on a running operation when an agent of the workspace changes lifecycle.</summary>
public sealed record AgentSignal(string BuildId, AgentLifecycle Lifecycle, string? Reason)
{
    public const string EventName = "agent-lifecycle";
}
