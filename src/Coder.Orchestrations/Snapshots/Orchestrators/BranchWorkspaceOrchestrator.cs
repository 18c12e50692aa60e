using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Snapshots.Activities;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Snapshots.Orchestrators;

/// <summary>Provisions a workspace branched from a snapshot: its folder is restored (and verified) before the agent first starts.</summary>
public static class BranchWorkspaceOrchestrator
{
    public static async Task<OperationOutcome> RunAsync(TaskOrchestrationContext context, WorkspaceOperationInput input)
    {
        var flow = new WorkspaceOperationFlow(context, input);
        await flow.StepAsync("started", WorkspaceStatus.Provisioning, "Provisioning the workspace from a snapshot.");
        try
        {
            await context.CallActivityAsync<bool>(nameof(SeedFromSnapshotActivity), input, SnapshotSteps.Retry);
            var ensure = await flow.EnsureAsync();
            await flow.StepAsync("agent-starting", null, $"Content restored; agent build {ensure.BuildId} started; waiting for it to be ready.");
            await flow.WaitForAgentReadyAsync(ensure);
            return await flow.SucceedAsync(WorkspaceStatus.Running, "The workspace is running with the snapshot's content.");
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            await flow.StepAsync("compensating", null, "Provisioning from the snapshot failed; removing what was created.", reason);
            await flow.DestroyAsync();
            return await flow.FailAsync(WorkspaceStatus.Failed, reason, message);
        }
    }
}
