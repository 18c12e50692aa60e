using Coder.Orchestrations.Operations;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Snapshots.Orchestrators;

/// <summary>An on-demand or scheduled snapshot: quiesce, capture, resume, record. A failed capture never shows as ready.</summary>
public static class SnapshotWorkspaceOrchestrator
{
    public static async Task<OperationOutcome> RunAsync(TaskOrchestrationContext context, SnapshotOperationInput input)
    {
        var flow = new WorkspaceOperationFlow(context, input.Operation);
        await flow.StepAsync("started", null, $"Taking snapshot {input.SnapshotId}.");
        try
        {
            var capture = await SnapshotSteps.CaptureAsync(context, input.Operation, input.SnapshotId);
            return await flow.SucceedAsync(input.ResumeStatus, $"Snapshot {capture.SnapshotId} is ready: {capture.SizeBytes} bytes, {capture.UploadedBytes} bytes uploaded.");
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            return await flow.FailAsync(input.ResumeStatus, reason, $"Snapshot {input.SnapshotId} failed: {message}");
        }
    }
}
