using Coder.Contracts.Workspaces;

namespace Coder.Orchestrations.Operations;

public sealed record CompleteOperationInput(WorkspaceOperationInput Operation, DateTimeOffset At, bool Succeeded, WorkspaceStatus Status, string Message, string? Error = null, string? Reason = null);
