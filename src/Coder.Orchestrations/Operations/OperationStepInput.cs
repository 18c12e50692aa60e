using Coder.Contracts.Workspaces;

namespace Coder.Orchestrations.Operations;

/// <summary>A step of an operation. <see cref="At"/> is orchestration time, so a replayed step writes the same timeline row.</summary>
public sealed record OperationStepInput(WorkspaceOperationInput Operation, DateTimeOffset At, string Step, WorkspaceStatus? Status, string Message, string? Reason = null);
