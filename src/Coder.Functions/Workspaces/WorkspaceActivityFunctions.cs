using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Workspaces.Activities;
using Coder.Orchestrations.Workspaces.Orchestrators;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Workspaces;

/// <summary>Thin activity triggers over the idempotent activities in Coder.Orchestrations.</summary>
public sealed class WorkspaceActivityFunctions(
    RecordOperationStepActivity recordStep,
    EnsureWorkspaceActivity ensure,
    CheckAgentActivity checkAgent,
    StopWorkspaceActivity stop,
    DestroyWorkspaceActivity destroy,
    CompleteOperationActivity complete,
    ApplySizeActivity applySize,
    RequestDrainActivity requestDrain,
    CheckDrainActivity checkDrain,
    ProvisionComputeActivity provisionCompute,
    AgentStartingActivity agentStarting)
{
    [Function(nameof(RecordOperationStepActivity))]
    public Task<bool> RecordStep([ActivityTrigger] OperationStepInput input, CancellationToken cancellationToken) => recordStep.RunAsync(input, cancellationToken);

    [Function(nameof(EnsureWorkspaceActivity))]
    public Task<EnsureWorkspaceResult> Ensure([ActivityTrigger] WorkspaceOperationInput input, CancellationToken cancellationToken) => ensure.RunAsync(input, cancellationToken);

    [Function(nameof(ProvisionComputeActivity))]
    public Task<EnsureWorkspaceResult> ProvisionCompute([ActivityTrigger] OperationStepInput started, CancellationToken cancellationToken) => provisionCompute.RunAsync(started, cancellationToken);

    [Function(nameof(AgentStartingActivity))]
    public Task<AgentCheckResult> AgentStarting([ActivityTrigger] AgentStartingInput input, CancellationToken cancellationToken) => agentStarting.RunAsync(input, cancellationToken);

    [Function(nameof(CheckAgentActivity))]
    public Task<AgentCheckResult> CheckAgent([ActivityTrigger] AgentCheckInput input, CancellationToken cancellationToken) => checkAgent.RunAsync(input, cancellationToken);

    [Function(nameof(StopWorkspaceActivity))]
    public Task<bool> Stop([ActivityTrigger] WorkspaceOperationInput input, CancellationToken cancellationToken) => stop.RunAsync(input, cancellationToken);

    [Function(nameof(DestroyWorkspaceActivity))]
    public Task<bool> Destroy([ActivityTrigger] WorkspaceOperationInput input, CancellationToken cancellationToken) => destroy.RunAsync(input, cancellationToken);

    [Function(nameof(ApplySizeActivity))]
    public Task<EnsureWorkspaceResult> ApplySize([ActivityTrigger] ApplySizeInput input, CancellationToken cancellationToken) => applySize.RunAsync(input, cancellationToken);

    [Function(nameof(RequestDrainActivity))]
    public Task<DrainStatus> RequestDrain([ActivityTrigger] WorkspaceOperationInput input, CancellationToken cancellationToken) => requestDrain.RunAsync(input, cancellationToken);

    [Function(nameof(CheckDrainActivity))]
    public Task<DrainStatus> CheckDrain([ActivityTrigger] WorkspaceOperationInput input, CancellationToken cancellationToken) => checkDrain.RunAsync(input, cancellationToken);

    [Function(nameof(CompleteOperationActivity))]
    public Task<bool> Complete([ActivityTrigger] CompleteOperationInput input, CancellationToken cancellationToken) => complete.RunAsync(input, cancellationToken);
}
