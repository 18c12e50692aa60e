using Coder.Orchestrations.Provisioning;

namespace Coder.Bench.Scenarios;

/// <summary>
/// A platform that creates nothing: every operation succeeds at once, so a scenario measures the control plane and not a
/// platform. Registered only in the bench. With an agent stand-in, a workspace it "starts" reports ready through ingest.
/// </summary>
public sealed class NoOpProvisioner(ReadyAtOnceAgent? agent = null) : IWorkspaceProvisioner
{
    // Templates may name only local, aci or vm; the bench host puts this platform where the local one was.
    public const string ProvisionerName = "local";

    public string Name => ProvisionerName;

    public ProvisionerCapabilities Capabilities { get; } = new(LiveResize: true, Snapshots: false);

    public Task<WorkspaceResourceState> EnsureAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => RunningAsync(spec, cancellationToken);

    public Task<WorkspaceResourceState> StartAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => RunningAsync(spec, cancellationToken);

    public Task StopAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<ResizeOutcome> ResizeAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => Task.FromResult(new ResizeOutcome(false, false));

    public Task<SnapshotCapture> SnapshotAsync(WorkspaceRef workspace, SnapshotRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The no-op platform keeps no data to snapshot.");

    public Task RestoreAsync(WorkspaceRef workspace, RestoreRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The no-op platform keeps no data to restore.");

    public Task DestroyAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<InventoryItem>> InventoryAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<InventoryItem>>([]);

    async Task<WorkspaceResourceState> RunningAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        if (agent is not null) await agent.ReportReadyAsync(spec, cancellationToken);
        return new WorkspaceResourceState([ProvisionerName + "/" + spec.Workspace.WorkspaceId], Running: true, Created: true, LimitsEnforced: false);
    }
}
