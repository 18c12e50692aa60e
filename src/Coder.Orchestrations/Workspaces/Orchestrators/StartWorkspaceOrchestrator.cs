using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Workspaces.Orchestrators;

/// <summary>Starts a workspace (restoring content that vanished with its compute from its latest snapshot) with a fresh agent build and waits for ready. Starting a running workspace re-checks it.</summary>
public static class StartWorkspaceOrchestrator
{
    public static async Task<OperationOutcome> RunAsync(TaskOrchestrationContext context, WorkspaceOperationInput input)
    {
        var flow = new WorkspaceOperationFlow(context, input);
        await flow.StepAsync("started", WorkspaceStatus.Starting, "Starting the workspace.");
        try
        {
            if (OrchestrationVersions.AtLeast(context, OrchestrationVersions.StartRestoresLostContent)) await flow.RestoreLostContentAsync();
            var ensure = await flow.EnsureAsync();
            await flow.WaitForAgentReadyAsync(ensure);
            return await flow.SucceedAsync(WorkspaceStatus.Running, "The workspace is running.");
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            await flow.StepAsync("compensating", null, "Start failed; stopping what was started.", reason);
            await flow.StopAsync();
            return await flow.FailAsync(WorkspaceStatus.Failed, reason, message);
        }
    }
}
