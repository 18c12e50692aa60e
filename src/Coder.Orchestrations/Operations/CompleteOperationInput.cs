using Coder.Contracts.Workspaces;

namespace Coder.Orchestrations.Operations;

public sealed record CompleteOperationInput(WorkspaceOperationInput Operation, DateTimeOffset At, bool Succeeded, WorkspaceStatus Status, string Message, string? Error = null, string? Reason = null)
{
    /// <summary>The operation ends because someone canceled it: its status reads canceled and its timeline step says by whom.</summary>
    public bool Canceled { get; init; }
}
