using Coder.Orchestrations.Operations;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// A provision's second activity from orchestration version <see cref="OrchestrationVersions.ProvisionFoldedSteps"/>: the
/// <c>agent-starting</c> step and the first <see cref="CheckAgentActivity"/> of the build, side by side (the step writes
/// the operation row and the timeline, the check reads the workspace and agents rows). Both are idempotent.
/// </summary>
public sealed class AgentStartingActivity(RecordOperationStepActivity step, CheckAgentActivity check)
{
    public async Task<AgentCheckResult> RunAsync(AgentStartingInput input, CancellationToken cancellationToken)
    {
        var operation = input.Step.Operation;
        var recorded = step.RunAsync(input.Step, cancellationToken);
        var checkedAgent = check.RunAsync(new AgentCheckInput(operation.WorkspaceId, operation.Owner, input.BuildId), cancellationToken);
        await Task.WhenAll(recorded, checkedAgent);
        return await checkedAgent;
    }
}
