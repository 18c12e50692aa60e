using Coder.Contracts.Templates;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Snapshots;

/// <summary>
/// Applies <see cref="SnapshotRetention"/> to every snapshot: the plan is computed from the tables; each expired
/// snapshot is deleted by <see cref="SnapshotDeleter"/> (spliced out of the tree, deleted on the platform by its
/// workspace's provisioner: a chunk-store manifest, an Azure Files share snapshot, a managed-disk snapshot; then its row); a garbage collection pass
/// then frees the chunks no remaining manifest references. A snapshot whose provisioner is not configured here, or cannot
/// delete snapshots, is kept (row and all) rather than leaked.
/// </summary>
public sealed partial class SnapshotRetentionRunner(
    SnapshotTable snapshots,
    WorkspaceStore workspaces,
    TemplateStore templates,
    ProvisionerRegistry provisioners,
    ChunkGarbageCollector collector,
    SnapshotDeleter deleter,
    TimeProvider time,
    ILogger<SnapshotRetentionRunner> logger)
{
    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var all = await snapshots.ScanAsync(cancellationToken);
        var policies = new Dictionary<string, SnapshotPolicy>(StringComparer.Ordinal);
        var liveSources = new HashSet<string>(StringComparer.Ordinal);
        var provisionerOf = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var w in workspaces.ScanAsync(cancellationToken))
        {
            provisionerOf[w.RowKey] = w.Provisioner;
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

            // A workspace row that is gone entirely leaves its snapshots in the chunk store, the local provisioner's.
            string name = provisionerOf.GetValueOrDefault(snapshot.PartitionKey, "local");
            if (!provisioners.IsAvailable(name) || provisioners.Get(name) is not { Capabilities.SnapshotDelete: true } provisioner)
            {
                LogKept(logger, id, snapshot.PartitionKey, name);
                continue;
            }

            if (!await deleter.DeleteAsync(snapshot, all, provisioner, cancellationToken)) continue;
            deleted.Add(id);
            LogDeleted(logger, id, snapshot.PartitionKey);
        }

        var collection = await collector.CollectAsync(cancellationToken);
        return new RetentionResult(deleted, plan, collection);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted snapshot {SnapshotId} of workspace {WorkspaceId}")]
    static partial void LogDeleted(ILogger logger, string snapshotId, string workspaceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention keeps expired snapshot {SnapshotId} of workspace {WorkspaceId}: the {Provisioner} provisioner cannot delete it here")]
    static partial void LogKept(ILogger logger, string snapshotId, string workspaceId, string provisioner);
}
