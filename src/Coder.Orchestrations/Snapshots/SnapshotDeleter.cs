using Coder.Orchestrations.Provisioning;

namespace Coder.Orchestrations.Snapshots;

/// <summary>
/// Deletes one snapshot, for retention and for a user's DELETE alike: it is spliced out of the tree first (its children
/// take its parent, so lineage never points at a deleted node), then its provisioner deletes it on the platform, then its
/// row goes (ETag-guarded). Its children's content does not depend on it (each chunk-store manifest lists every chunk it
/// needs), and the chunks only it referenced are freed by the next garbage collection.
/// </summary>
public sealed class SnapshotDeleter(SnapshotTable snapshots)
{
    /// <summary>False when the row was gone already.</summary>
    public async Task<bool> DeleteAsync(SnapshotEntity snapshot, IEnumerable<SnapshotEntity> children, IWorkspaceProvisioner provisioner, CancellationToken cancellationToken)
    {
        string id = snapshot.RowKey;
        foreach (var child in children.Where(c => c.ParentId == id))
        {
            var updated = await snapshots.MutateAsync(child.PartitionKey, child.RowKey, c =>
            {
                if (c.ParentId != id) return false;
                c.ParentId = snapshot.ParentId;
                return true;
            }, cancellationToken);
            child.ParentId = updated?.ParentId;
        }

        var current = await snapshots.GetAsync(snapshot.PartitionKey, id, cancellationToken);
        if (current is null) return false;
        await provisioner.DeleteSnapshotAsync(new WorkspaceRef(current.PartitionKey, current.Owner), id, current.Location, cancellationToken);
        await snapshots.DeleteAsync(current, cancellationToken);
        return true;
    }
}
