using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Workspaces.Orchestrators;

/// <summary>Stops a workspace's compute; its data stays.</summary>
public static class StopWorkspaceOrchestrator
{
    public static async Task<OperationOutcome> RunAsync(TaskOrchestrationContext context, WorkspaceOperationInput input)
    {
        var flow = new WorkspaceOperationFlow(context, input);
        await flow.StepAsync("started", WorkspaceStatus.Stopping, "Stopping the workspace.");
        try
        {
            await flow.StopAsync();
            return await flow.SucceedAsync(WorkspaceStatus.Stopped, "The workspace is stopped.");
        }
        catch (TaskFailedException e)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            return await flow.FailAsync(WorkspaceStatus.Failed, reason, message);
        }
    }
}
