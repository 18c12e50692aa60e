using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Snapshots.Activities;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Snapshots.Orchestrators;

/// <summary>The capture sequence both the snapshot and the restore orchestrations use: quiesce, capture, resume. Deterministic.</summary>
public static class SnapshotSteps
{
    public const string PreSnapshotHook = "pre-snapshot";
    public const string PostSnapshotHook = "post-snapshot";

    /// <summary>Capture is idempotent per snapshot id, so transient failures (a collection in progress) are retried.</summary>
    public static readonly TaskOptions Retry = ActivityRetry.WithAttempts(5);

    /// <summary>Runs the pre-snapshot hook, captures, and always runs the post-snapshot hook. A failed capture marks the snapshot failed.</summary>
    public static async Task<SnapshotCaptureResult> CaptureAsync(TaskOrchestrationContext context, WorkspaceOperationInput operation, string snapshotId)
    {
        var step = new SnapshotStepInput(operation.WorkspaceId, operation.Owner, snapshotId);
        try
        {
            var quiesce = await context.CallActivityAsync<SnapshotHookResult>(nameof(RunSnapshotHookActivity), step with { Hook = PreSnapshotHook }, Retry);
            if (!quiesce.Succeeded) throw new WorkspaceOperationException("quiesce_failed", quiesce.Message);
            try
            {
                return await context.CallActivityAsync<SnapshotCaptureResult>(nameof(CaptureSnapshotActivity), step, Retry);
            }
            finally
            {
                await context.CallActivityAsync<SnapshotHookResult>(nameof(RunSnapshotHookActivity), step with { Hook = PostSnapshotHook }, Retry);
            }
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (_, message) = WorkspaceOperationFlow.Describe(e);
            await context.CallActivityAsync<bool>(nameof(FailSnapshotActivity), step with { Error = message }, Retry);
            throw;
        }
    }
}
