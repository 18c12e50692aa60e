using System.Collections.Concurrent;
using Coder.Orchestrations.Provisioning;

namespace Coder.Bench.Scenarios;

/// <summary>
/// A platform that creates nothing: every operation succeeds at once, so a scenario measures the control plane and not a
/// platform. Registered only in the bench. With an agent stand-in, a workspace it "starts" reports ready through ingest.
/// Its inventory is what it started, so the agent check and the reconciler see the compute they expect.
/// </summary>
public sealed class NoOpProvisioner(ReadyAtOnceAgent? agent = null) : IWorkspaceProvisioner
{
    readonly ConcurrentDictionary<string, InventoryItem> _inventory = new(StringComparer.Ordinal);

    // Templates may name only local, aci or vm; the bench host puts this platform where the local one was.
    public const string ProvisionerName = "local";

    public string Name => ProvisionerName;

    public ProvisionerCapabilities Capabilities { get; } = new(LiveResize: true, Snapshots: false);

    public Task<WorkspaceResourceState> EnsureAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => RunningAsync(spec, cancellationToken);

    public Task<WorkspaceResourceState> StartAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => RunningAsync(spec, cancellationToken);

    public Task StopAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        if (_inventory.TryGetValue(workspace.WorkspaceId, out var item)) _inventory[workspace.WorkspaceId] = item with { Running = false };
        return Task.CompletedTask;
    }

    public Task<ResizeOutcome> ResizeAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => Task.FromResult(new ResizeOutcome(false, false));

    public Task<SnapshotCapture> SnapshotAsync(WorkspaceRef workspace, SnapshotRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The no-op platform keeps no data to snapshot.");

    public Task RestoreAsync(WorkspaceRef workspace, RestoreRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The no-op platform keeps no data to restore.");

    public Task DeleteSnapshotAsync(WorkspaceRef workspace, string snapshotId, string? location, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The no-op platform keeps no snapshots.");

    /// <summary>The no-op platform keeps no content, so none is ever lost.</summary>
    public Task<bool> ContentLostAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<WorkspaceScriptResult> RunWorkspaceScriptAsync(WorkspaceRef workspace, string relativePath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The no-op platform runs no workspace code.");

    public Task DestroyAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        _inventory.TryRemove(workspace.WorkspaceId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<InventoryItem>> InventoryAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<InventoryItem>>([.. _inventory.Values]);

    public Task<InventoryItem?> FindAsync(WorkspaceRef workspace, CancellationToken cancellationToken) =>
        Task.FromResult(workspace.Instance is null && _inventory.TryGetValue(workspace.WorkspaceId, out var item) ? item : null);

    async Task<WorkspaceResourceState> RunningAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        string id = spec.Workspace.WorkspaceId, resource = "noop/" + id;
        bool created = !_inventory.ContainsKey(id);
        _inventory[id] = new InventoryItem(ProvisionerName, id, resource, true, spec.Replicas, spec.BuildId, new Dictionary<string, string> { [ProvisionerTags.WorkspaceId] = id });
        if (agent is not null) await agent.ReportReadyAsync(spec, cancellationToken);
        return new WorkspaceResourceState([resource], Running: true, Created: created, LimitsEnforced: false);
    }
}
