using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Coder.Functions.Snapshots;

/// <summary>Thin orchestration triggers for snapshot, restore and branch.</summary>
public sealed class SnapshotOrchestratorFunctions
{
    [Function(nameof(SnapshotWorkspaceOrchestrator))]
    public Task<OperationOutcome> Snapshot([OrchestrationTrigger] TaskOrchestrationContext context) =>
        SnapshotWorkspaceOrchestrator.RunAsync(context, OrchestrationInput.Of<SnapshotOperationInput>(context));

    [Function(nameof(RestoreWorkspaceOrchestrator))]
    public Task<OperationOutcome> Restore([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RestoreWorkspaceOrchestrator.RunAsync(context, OrchestrationInput.Of<RestoreOperationInput>(context));

    [Function(nameof(BranchWorkspaceOrchestrator))]
    public Task<OperationOutcome> Branch([OrchestrationTrigger] TaskOrchestrationContext context) =>
        BranchWorkspaceOrchestrator.RunAsync(context, OrchestrationInput.Of<WorkspaceOperationInput>(context));
}
