using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Workspaces.Orchestrators;

/// <summary>Destroys the workspace's compute and data, then tombstones it (a later GET is 404).</summary>
public static class DeleteWorkspaceOrchestrator
{
    public static async Task<OperationOutcome> RunAsync(TaskOrchestrationContext context, WorkspaceOperationInput input)
    {
        var flow = new WorkspaceOperationFlow(context, input);
        await flow.StepAsync("started", WorkspaceStatus.Deleting, "Deleting the workspace.");
        try
        {
            await flow.DestroyAsync();
            return await flow.SucceedAsync(WorkspaceStatus.Deleted, "The workspace is deleted.");
        }
        catch (TaskFailedException e)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            return await flow.FailAsync(WorkspaceStatus.Failed, reason, message);
        }
    }
}
