using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Workspaces.Orchestrators;

/// <summary>Stops, then starts with a fresh agent build (and token).</summary>
public static class RestartWorkspaceOrchestrator
{
    public static async Task<OperationOutcome> RunAsync(TaskOrchestrationContext context, WorkspaceOperationInput input)
    {
        var flow = new WorkspaceOperationFlow(context, input);
        await flow.StepAsync("started", WorkspaceStatus.Stopping, "Restarting the workspace: stopping.");
        try
        {
            await flow.StopAsync();
            await flow.StepAsync("starting", WorkspaceStatus.Starting, "Restarting the workspace: starting.");
            var ensure = await flow.EnsureAsync();
            await flow.WaitForAgentReadyAsync(ensure);
            return await flow.SucceedAsync(WorkspaceStatus.Running, "The workspace is running again.");
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            await flow.StopAsync();
            return await flow.FailAsync(WorkspaceStatus.Failed, reason, message);
        }
    }
}
