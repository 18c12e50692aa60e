using System.Collections.Concurrent;
using Coder.Orchestrations.Provisioning;

namespace Coder.Orchestrations.Tests.StorageCalls;

/// <summary>
/// A platform that keeps its compute in memory and touches no storage, so the storage-call audit counts the control
/// plane's own calls. It stands where the local platform is ("local").
/// </summary>
public sealed class InMemoryProvisioner : IWorkspaceProvisioner
{
    readonly ConcurrentDictionary<string, InventoryItem> _running = new(StringComparer.Ordinal);

    public string Name => "local";

    public ProvisionerCapabilities Capabilities { get; } = new(LiveResize: true, Snapshots: false);

    public Task<WorkspaceResourceState> EnsureAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => Task.FromResult(Run(spec));

    public Task<WorkspaceResourceState> StartAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => Task.FromResult(Run(spec));

    public Task StopAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        _running.TryRemove(workspace.WorkspaceId, out _);
        return Task.CompletedTask;
    }

    public Task<ResizeOutcome> ResizeAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => Task.FromResult(new ResizeOutcome(false, false));

    public Task<SnapshotCapture> SnapshotAsync(WorkspaceRef workspace, SnapshotRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RestoreAsync(WorkspaceRef workspace, RestoreRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteSnapshotAsync(WorkspaceRef workspace, string snapshotId, string? location, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> ContentLostAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<WorkspaceScriptResult> RunWorkspaceScriptAsync(WorkspaceRef workspace, string relativePath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task DestroyAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => StopAsync(workspace, cancellationToken);

    public Task<IReadOnlyList<InventoryItem>> InventoryAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<InventoryItem>>([.. _running.Values]);

    public Task<InventoryItem?> FindAsync(WorkspaceRef workspace, CancellationToken cancellationToken) =>
        Task.FromResult(_running.TryGetValue(workspace.WorkspaceId, out var item) ? item : null);

    WorkspaceResourceState Run(WorkspaceResourceSpec spec)
    {
        string id = spec.Workspace.WorkspaceId;
        bool created = !_running.ContainsKey(id);
        _running[id] = new InventoryItem(Name, id, "memory/" + id, true, spec.Replicas, spec.BuildId, new Dictionary<string, string> { [ProvisionerTags.WorkspaceId] = id });
        return new WorkspaceResourceState(["memory/" + id], Running: true, Created: created, LimitsEnforced: false);
    }
}
