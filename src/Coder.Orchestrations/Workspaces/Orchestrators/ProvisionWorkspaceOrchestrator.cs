using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Workspaces.Orchestrators;

/// <summary>Creates a workspace's compute, starts its agent and waits for ready. On failure nothing is left behind.</summary>
public static class ProvisionWorkspaceOrchestrator
{
    public static async Task<OperationOutcome> RunAsync(TaskOrchestrationContext context, WorkspaceOperationInput input)
    {
        var flow = new WorkspaceOperationFlow(context, input);
        await flow.StepAsync("started", WorkspaceStatus.Provisioning, "Provisioning the workspace.");
        try
        {
            var ensure = await flow.EnsureAsync();
            await flow.StepAsync("agent-starting", null, $"Agent build {ensure.BuildId} started; waiting for it to be ready." + (ensure.Note is null ? "" : $" {ensure.Note}"),
                ensure.Isolation == "none" ? "isolation_none" : null);
            await flow.WaitForAgentReadyAsync(ensure);
            return await flow.SucceedAsync(WorkspaceStatus.Running, "The workspace is running.");
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            await flow.StepAsync("compensating", null, "Provisioning failed; removing what was created.", reason);
            await flow.DestroyAsync();
            return await flow.FailAsync(WorkspaceStatus.Failed, reason, message);
        }
    }
}
