using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Workspaces.Orchestrators;
using Microsoft.Azure.Functions.Worker;
using Coder.Orchestrations.Common;
using Microsoft.DurableTask;

namespace Coder.Functions.Workspaces;

/// <summary>Thin orchestration triggers; the orchestrator code lives in Coder.Orchestrations and is deterministic.</summary>
public sealed class WorkspaceOrchestratorFunctions
{
    [Function(nameof(ProvisionWorkspaceOrchestrator))]
    public Task<OperationOutcome> Provision([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ProvisionWorkspaceOrchestrator.RunAsync(context, OrchestrationInput.Of<WorkspaceOperationInput>(context));

    [Function(nameof(StartWorkspaceOrchestrator))]
    public Task<OperationOutcome> Start([OrchestrationTrigger] TaskOrchestrationContext context) =>
        StartWorkspaceOrchestrator.RunAsync(context, OrchestrationInput.Of<WorkspaceOperationInput>(context));

    [Function(nameof(StopWorkspaceOrchestrator))]
    public Task<OperationOutcome> Stop([OrchestrationTrigger] TaskOrchestrationContext context) =>
        StopWorkspaceOrchestrator.RunAsync(context, OrchestrationInput.Of<WorkspaceOperationInput>(context));

    [Function(nameof(RestartWorkspaceOrchestrator))]
    public Task<OperationOutcome> Restart([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RestartWorkspaceOrchestrator.RunAsync(context, OrchestrationInput.Of<WorkspaceOperationInput>(context));

    [Function(nameof(ScaleWorkspaceOrchestrator))]
    public Task<OperationOutcome> Scale([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ScaleWorkspaceOrchestrator.RunAsync(context, OrchestrationInput.Of<WorkspaceOperationInput>(context));

    [Function(nameof(DeleteWorkspaceOrchestrator))]
    public Task<OperationOutcome> Delete([OrchestrationTrigger] TaskOrchestrationContext context) =>
        DeleteWorkspaceOrchestrator.RunAsync(context, OrchestrationInput.Of<WorkspaceOperationInput>(context));
}
