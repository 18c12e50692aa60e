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
        if (OrchestrationVersions.AtLeast(context, OrchestrationVersions.ProvisionFoldedSteps)) return await RunFoldedAsync(flow);
        await flow.StepAsync("started", WorkspaceStatus.Provisioning, StartedMessage);
        try
        {
            var ensure = await flow.EnsureAsync();
            await flow.StepAsync("agent-starting", null, AgentStartingMessage(ensure), AgentStartingReason(ensure));
            await flow.WaitForAgentReadyAsync(ensure);
            return await flow.SucceedAsync(WorkspaceStatus.Running, "The workspace is running.");
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            return await CompensateAsync(flow, e);
        }
    }

    const string StartedMessage = "Provisioning the workspace.";

    /// <summary>
    /// The same steps, timeline and outcome in three activities (<see cref="OrchestrationVersions.ProvisionFoldedSteps"/>):
    /// the <c>started</c> step with the ensure, the <c>agent-starting</c> step with the first agent check, the completion.
    /// </summary>
    static async Task<OperationOutcome> RunFoldedAsync(WorkspaceOperationFlow flow)
    {
        try
        {
            var ensure = await flow.StartAndEnsureAsync(WorkspaceStatus.Provisioning, StartedMessage);
            var first = await flow.AgentStartingAsync(ensure, AgentStartingMessage(ensure), AgentStartingReason(ensure));
            await flow.WaitForAgentReadyAsync(ensure, first);
            return await flow.SucceedAsync(WorkspaceStatus.Running, "The workspace is running.");
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            return await CompensateAsync(flow, e);
        }
    }

    /// <summary>On failure nothing is left behind: the compute is destroyed and the operation fails with the reason.</summary>
    static async Task<OperationOutcome> CompensateAsync(WorkspaceOperationFlow flow, Exception e)
    {
        var (reason, message) = WorkspaceOperationFlow.Describe(e);
        await flow.StepAsync("compensating", null, "Provisioning failed; removing what was created.", reason);
        await flow.DestroyAsync();
        return await flow.FailAsync(WorkspaceStatus.Failed, reason, message);
    }

    static string AgentStartingMessage(EnsureWorkspaceResult ensure) =>
        $"Agent build {ensure.BuildId} started; waiting for it to be ready." + (ensure.Note is null ? "" : $" {ensure.Note}");

    static string? AgentStartingReason(EnsureWorkspaceResult ensure) => ensure.Isolation == "none" ? "isolation_none" : null;
}
