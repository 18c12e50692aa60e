using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Microsoft.DurableTask.Client;

namespace Coder.Orchestrations.Operations;

/// <summary>
/// <c>POST /api/operations/{id}/cancel</c>: the owner or an admin ends a running operation instead of waiting for its
/// deadline. The orchestration is terminated, what it started is undone (<see cref="HungOperations"/>), and the workspace
/// is released as failed with the canceller's reason on its timeline, so a start or a delete can take it up.
/// </summary>
public sealed class OperationCancellation(OperationStore operations, WorkspaceStore workspaces, HungOperations ending)
{
    /// <summary>The failure code and timeline reason of a canceled operation.</summary>
    public const string Reason = "canceled";

    /// <summary>The longest reason a caller may give; it is shown on the timeline.</summary>
    public const int MaxReasonLength = 200;

    public async Task CancelAsync(CallerIdentity caller, string operationId, string? reason, DurableTaskClient client, CancellationToken cancellationToken)
    {
        // Someone else's operation is as absent as a missing one (404, not 403).
        var op = await operations.GetAsync(operationId, cancellationToken);
        if (op is null || op.Owner is not { } owner || op.WorkspaceId is not { } workspaceId || !caller.CanSee(owner)) throw CoderProblemException.NotFound($"Operation '{operationId}'");
        if (reason is { Length: > MaxReasonLength }) throw CoderProblemException.Validation("reason", $"At most {MaxReasonLength} characters.");
        if (OperationStore.IsFinished(op.Status)) throw CoderProblemException.Conflict($"Operation {operationId} has already ended ({op.Status}); there is nothing to cancel.");

        var workspace = await workspaces.GetAsync(owner, workspaceId, cancellationToken);
        if (workspace is null || workspace.OperationId != operationId)
            throw CoderProblemException.Conflict($"Operation {operationId} does not hold its workspace (it is ending or has not started); there is nothing to cancel.");

        string message = $"Canceled by {caller.User}" + (string.IsNullOrWhiteSpace(reason) ? "." : $": {reason.Trim()}");
        await ending.CancelAsync(workspace, caller.Actor, message, client, cancellationToken);
    }
}
