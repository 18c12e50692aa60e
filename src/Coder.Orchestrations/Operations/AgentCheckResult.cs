using Coder.Contracts.Agents;

namespace Coder.Orchestrations.Operations;

/// <param name="Lifecycle">The build's lifecycle: the least advanced of its replicas.</param>
/// <param name="ProcessesRunning">False when the platform says the build's compute is gone.</param>
public sealed record AgentCheckResult(AgentLifecycle Lifecycle, int ReadyReplicas, int Replicas, bool ProcessesRunning, string? Reason);
