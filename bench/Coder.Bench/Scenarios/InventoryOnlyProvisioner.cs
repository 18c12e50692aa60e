using Coder.Orchestrations.Provisioning;

namespace Coder.Bench.Scenarios;

/// <summary>
/// A platform that only answers inventory, from a list the scenario seeds: the benchmark measures the reconciler's reads
/// and planning at fleet sizes no machine can run as real processes. Every other operation is refused, so a pass that
/// tried to act would show up as failed actions rather than silently succeed.
/// </summary>
public sealed class InventoryOnlyProvisioner(IReadOnlyList<InventoryItem> inventory) : IWorkspaceProvisioner
{
    public const string ProvisionerName = "bench";

    public string Name => ProvisionerName;

    public ProvisionerCapabilities Capabilities { get; } = new(LiveResize: false, Snapshots: false);

    public Task<IReadOnlyList<InventoryItem>> InventoryAsync(CancellationToken cancellationToken) => Task.FromResult(inventory);

    public Task<InventoryItem?> FindAsync(WorkspaceRef workspace, CancellationToken cancellationToken) =>
        Task.FromResult(inventory.FirstOrDefault(i => i.WorkspaceId == workspace.WorkspaceId && i.Instance == workspace.Instance));

    public Task<WorkspaceResourceState> EnsureAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => throw Refused();

    public Task<WorkspaceResourceState> StartAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => throw Refused();

    public Task StopAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => throw Refused();

    public Task<ResizeOutcome> ResizeAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => throw Refused();

    public Task<SnapshotCapture> SnapshotAsync(WorkspaceRef workspace, SnapshotRequest request, CancellationToken cancellationToken) => throw Refused();

    public Task RestoreAsync(WorkspaceRef workspace, RestoreRequest request, CancellationToken cancellationToken) => throw Refused();

    public Task DeleteSnapshotAsync(WorkspaceRef workspace, string snapshotId, string? location, CancellationToken cancellationToken) => throw Refused();

    public Task<bool> ContentLostAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => throw Refused();

    public Task<WorkspaceScriptResult> RunWorkspaceScriptAsync(WorkspaceRef workspace, string relativePath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken) => throw Refused();

    public Task DestroyAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => throw Refused();

    static NotSupportedException Refused() => new("The benchmark fleet is converged; the reconciler must not act on it.");
}
