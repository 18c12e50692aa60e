using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Snapshots.Activities;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Snapshots.Orchestrators;

/// <summary>
/// Restore in place: a safety snapshot of the current content first, then the agents stop, the snapshot is restored
/// and verified chunk by chunk (the store swaps it in only when complete), and the agents start again. On any failure the
/// workspace keeps its pre-restore content and the operation fails with the reason.
/// </summary>
public static class RestoreWorkspaceOrchestrator
{
    public static async Task<OperationOutcome> RunAsync(TaskOrchestrationContext context, RestoreOperationInput input)
    {
        var flow = new WorkspaceOperationFlow(context, input.Operation);
        var op = input.Operation;
        await flow.StepAsync("started", null, $"Restoring snapshot {input.SnapshotId}; taking safety snapshot {input.SafetySnapshotId} first.");
        try
        {
            await SnapshotSteps.CaptureAsync(context, op, input.SafetySnapshotId);
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (_, message) = WorkspaceOperationFlow.Describe(e);
            return await flow.FailAsync(input.ResumeStatus, "safety_snapshot_failed", $"The safety snapshot failed, so nothing was restored: {message}");
        }

        bool running = input.ResumeStatus == WorkspaceStatus.Running;
        if (running) await flow.StopAsync();
        string? error = null;
        try
        {
            // One attempt: a corrupt snapshot stays corrupt, and the reason should reach the caller without delay.
            await context.CallActivityAsync<bool>(nameof(RestoreSnapshotActivity), new SnapshotStepInput(op.WorkspaceId, op.Owner, input.SnapshotId));
        }
        catch (TaskFailedException e)
        {
            error = e.FailureDetails.ErrorMessage;
        }

        try
        {
            if (running)
            {
                var ensure = await flow.EnsureAsync();
                await flow.WaitForAgentReadyAsync(ensure);
            }
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            return await flow.FailAsync(WorkspaceStatus.Failed, reason, error is null ? message : $"Restore failed ({error}) and the restart failed too: {message}");
        }

        return error is null
            ? await flow.SucceedAsync(input.ResumeStatus, $"Restored snapshot {input.SnapshotId}; every chunk matched its hash.")
            : await flow.FailAsync(input.ResumeStatus, "restore_failed", $"Restore of {input.SnapshotId} failed and the workspace kept its content: {error}");
    }
}
