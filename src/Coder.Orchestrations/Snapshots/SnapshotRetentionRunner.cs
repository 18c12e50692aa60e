using Coder.Contracts.Templates;
using Coder.Orchestrations.Snapshots.Storage;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Workspaces;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Snapshots;

/// <summary>
/// Applies <see cref="SnapshotRetention"/> to every snapshot: the plan is computed from the tables; each expired
/// snapshot is spliced out of the tree, its manifest goes and then its row (ETag-guarded); a garbage collection pass
/// then frees the chunks no remaining manifest references.
/// </summary>
public sealed partial class SnapshotRetentionRunner(
    SnapshotTable snapshots,
    WorkspaceStore workspaces,
    TemplateStore templates,
    LocalSnapshotStore store,
    ChunkGarbageCollector collector,
    TimeProvider time,
    ILogger<SnapshotRetentionRunner> logger)
{
    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var all = await snapshots.ScanAsync(cancellationToken);
        var policies = new Dictionary<string, SnapshotPolicy>(StringComparer.Ordinal);
        var liveSources = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var w in workspaces.ScanAsync(cancellationToken))
        {
            if (w.IsIn(Contracts.Workspaces.WorkspaceStatus.Deleted)) continue;
            if (w.SourceSnapshot is { } source) liveSources.Add(source);
            if ((await templates.GetVersionAsync(w.Template, w.TemplateVersion, cancellationToken))?.Spec.Snapshots is { } policy) policies[w.RowKey] = policy;
        }

        var plan = SnapshotRetention.Plan([.. all.Select(s => new SnapshotRecord(s.RowKey, s.PartitionKey, s.ParentId, s.CreatedAt, s.Status))], policies, liveSources, time.GetUtcNow());
        var byId = all.ToDictionary(s => s.RowKey, StringComparer.Ordinal);
        var deleted = new List<string>();
        foreach (string id in plan.Delete)
        {
            var snapshot = byId[id];
            // Splice it out of the tree first: its children take its parent, so lineage never points at a deleted node.
            foreach (var child in all.Where(c => c.ParentId == id))
            {
                var updated = await snapshots.MutateAsync(child.PartitionKey, child.RowKey, c =>
                {
                    if (c.ParentId != id) return false;
                    c.ParentId = snapshot.ParentId;
                    return true;
                }, cancellationToken);
                child.ParentId = updated?.ParentId;
            }

            snapshot = await snapshots.GetAsync(snapshot.PartitionKey, snapshot.RowKey, cancellationToken);
            if (snapshot is null) continue;
            await store.DeleteAsync(id, cancellationToken);
            await snapshots.DeleteAsync(snapshot, cancellationToken);
            deleted.Add(id);
            LogDeleted(logger, id, snapshot.PartitionKey);
        }

        var collection = await collector.CollectAsync(cancellationToken);
        return new RetentionResult(deleted, plan, collection);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted snapshot {SnapshotId} of workspace {WorkspaceId}")]
    static partial void LogDeleted(ILogger logger, string snapshotId, string workspaceId);
}
