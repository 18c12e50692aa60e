using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Snapshots.Activities;

/// <summary>
/// Replaces the workspace's content with a ready snapshot's through its provisioner, which verifies every chunk and
/// leaves the content as it was on any failure. Records the snapshot as the workspace's head. Idempotent.
/// </summary>
public sealed class RestoreSnapshotActivity(WorkspaceStore workspaces, SnapshotTable snapshots, ProvisionerRegistry provisioners)
{
    public async Task<bool> RunAsync(SnapshotStepInput input, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.FindAsync(input.SnapshotId, cancellationToken);
        if (snapshot is null || !snapshot.IsIn(Contracts.Snapshots.SnapshotStatus.Ready)) throw new InvalidOperationException($"Snapshot {input.SnapshotId} is not ready.");
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {input.WorkspaceId} no longer exists.");
        await provisioners.Get(workspace.Provisioner).RestoreAsync(workspace.ComputeRef(), new RestoreRequest(snapshot.RowKey, snapshot.Location!, snapshot.Sha256), cancellationToken);
        await workspaces.MutateAsync(input.Owner, input.WorkspaceId, w =>
        {
            if (w.HeadSnapshot == input.SnapshotId) return false;
            w.HeadSnapshot = input.SnapshotId;
            return true;
        }, cancellationToken);
        return true;
    }
}
