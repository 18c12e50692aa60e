using Coder.Orchestrations.Operations;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// A provision's first activity from orchestration version <see cref="OrchestrationVersions.ProvisionFoldedSteps"/>: the
/// <c>started</c> step (<see cref="RecordOperationStepActivity"/>), then <see cref="EnsureWorkspaceActivity"/>. One
/// activity instead of two saves the engine a round of queue messages and history writes. Both parts are idempotent, so
/// a retry of the whole is too (the step's timeline row is keyed by the orchestration's time).
/// </summary>
public sealed class ProvisionComputeActivity(RecordOperationStepActivity step, EnsureWorkspaceActivity ensure)
{
    public async Task<EnsureWorkspaceResult> RunAsync(OperationStepInput started, CancellationToken cancellationToken)
    {
        await step.RunAsync(started, cancellationToken);
        return await ensure.RunAsync(started.Operation, cancellationToken);
    }
}
