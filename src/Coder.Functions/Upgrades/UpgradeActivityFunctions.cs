using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Upgrades.Activities;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Upgrades;

/// <summary>Thin activity triggers over the idempotent upgrade and rollout activities.</summary>
public sealed class UpgradeActivityFunctions(
    CreateRestorePointActivity createRestorePoint,
    RestoreFromRestorePointActivity restore,
    ApplyTemplateVersionActivity applyVersion,
    PlanRolloutActivity plan,
    ClaimRolloutWorkspaceActivity claim,
    RecordRolloutActivity record,
    CheckRolloutHealthActivity health,
    PrepareGreenActivity prepareGreen,
    SwitchToGreenActivity switchToGreen,
    StopComputeInstanceActivity stopInstance,
    AbandonGreenActivity abandonGreen)
{
    [Function(nameof(CreateRestorePointActivity))]
    public Task<RestorePoint?> CreateRestorePoint([ActivityTrigger] WorkspaceOperationInput input, CancellationToken cancellationToken) => createRestorePoint.RunAsync(input, cancellationToken);

    [Function(nameof(RestoreFromRestorePointActivity))]
    public Task<bool> Restore([ActivityTrigger] RestorePointInput input, CancellationToken cancellationToken) => restore.RunAsync(input, cancellationToken);

    [Function(nameof(ApplyTemplateVersionActivity))]
    public Task<bool> ApplyVersion([ActivityTrigger] ApplyVersionInput input, CancellationToken cancellationToken) => applyVersion.RunAsync(input, cancellationToken);

    [Function(nameof(PlanRolloutActivity))]
    public Task<RolloutPlan> Plan([ActivityTrigger] RolloutInput input, CancellationToken cancellationToken) => plan.RunAsync(input, cancellationToken);

    [Function(nameof(ClaimRolloutWorkspaceActivity))]
    public Task<RolloutClaimResult> Claim([ActivityTrigger] RolloutClaimInput input, CancellationToken cancellationToken) => claim.RunAsync(input, cancellationToken);

    [Function(nameof(RecordRolloutActivity))]
    public Task<bool> Record([ActivityTrigger] RolloutProgress input, CancellationToken cancellationToken) => record.RunAsync(input, cancellationToken);

    [Function(nameof(CheckRolloutHealthActivity))]
    public Task<IReadOnlyList<RolloutHealth>> Health([ActivityTrigger] RolloutHealthInput input, CancellationToken cancellationToken) => health.RunAsync(input, cancellationToken);

    [Function(nameof(PrepareGreenActivity))]
    public Task<EnsureWorkspaceResult> PrepareGreen([ActivityTrigger] GreenInput input, CancellationToken cancellationToken) => prepareGreen.RunAsync(input, cancellationToken);

    [Function(nameof(SwitchToGreenActivity))]
    public Task<GreenSwitch> SwitchToGreen([ActivityTrigger] SwitchToGreenInput input, CancellationToken cancellationToken) => switchToGreen.RunAsync(input, cancellationToken);

    [Function(nameof(StopComputeInstanceActivity))]
    public Task<bool> StopInstance([ActivityTrigger] ComputeInstanceInput input, CancellationToken cancellationToken) => stopInstance.RunAsync(input, cancellationToken);

    [Function(nameof(AbandonGreenActivity))]
    public Task<bool> AbandonGreen([ActivityTrigger] WorkspaceOperationInput input, CancellationToken cancellationToken) => abandonGreen.RunAsync(input, cancellationToken);
}
