using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Snapshots.Activities;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Snapshots;

/// <summary>Thin activity triggers over the idempotent snapshot activities.</summary>
public sealed class SnapshotActivityFunctions(
    RunSnapshotHookActivity hook,
    CaptureSnapshotActivity capture,
    FailSnapshotActivity fail,
    RestoreSnapshotActivity restore,
    SeedFromSnapshotActivity seed,
    RestoreLostContentActivity restoreLost)
{
    [Function(nameof(RunSnapshotHookActivity))]
    public Task<SnapshotHookResult> Hook([ActivityTrigger] SnapshotStepInput input, CancellationToken cancellationToken) => hook.RunAsync(input, cancellationToken);

    [Function(nameof(CaptureSnapshotActivity))]
    public Task<SnapshotCaptureResult> Capture([ActivityTrigger] SnapshotStepInput input, CancellationToken cancellationToken) => capture.RunAsync(input, cancellationToken);

    [Function(nameof(FailSnapshotActivity))]
    public Task<bool> Fail([ActivityTrigger] SnapshotStepInput input, CancellationToken cancellationToken) => fail.RunAsync(input, cancellationToken);

    [Function(nameof(RestoreSnapshotActivity))]
    public Task<bool> Restore([ActivityTrigger] SnapshotStepInput input, CancellationToken cancellationToken) => restore.RunAsync(input, cancellationToken);

    [Function(nameof(SeedFromSnapshotActivity))]
    public Task<bool> Seed([ActivityTrigger] WorkspaceOperationInput input, CancellationToken cancellationToken) => seed.RunAsync(input, cancellationToken);

    [Function(nameof(RestoreLostContentActivity))]
    public Task<string?> RestoreLost([ActivityTrigger] WorkspaceOperationInput input, CancellationToken cancellationToken) => restoreLost.RunAsync(input, cancellationToken);
}
