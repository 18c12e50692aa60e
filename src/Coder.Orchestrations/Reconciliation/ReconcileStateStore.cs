using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Reconciliation;

/// <summary>The reconciler's own table: pass records and orphan sightings (one partition each, read a page at a time).</summary>
public sealed class ReconcileStateStore(CoderTables tables)
{
    public const string TableName = "Reconciler";

    volatile bool _created;

    public TableClient Table => tables.Get(TableName);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created) return;
        try
        {
            await Table.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Another instance created it at the same moment.
        }

        _created = true;
    }

    public async Task<Dictionary<string, DateTimeOffset>> ReadOrphansAsync(CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var o in Table.QueryAsync<ReconcileOrphanEntity>(x => x.PartitionKey == ReconcileOrphanEntity.PartitionName, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            seen[o.RowKey] = o.FirstSeenAt;
        }

        return seen;
    }

    /// <summary>
    /// Keeps the new sightings and forgets the ones that are gone. A sighting is insert-only (the first writer's time
    /// wins, a 409 means someone recorded it already), so a pass and a single-workspace reconcile never move it later.
    /// </summary>
    public async Task WriteOrphansAsync(IReadOnlyDictionary<string, DateTimeOffset> before, IReadOnlyDictionary<string, DateTimeOffset> after, CancellationToken cancellationToken)
    {
        foreach (var (key, at) in after)
        {
            if (before.ContainsKey(key)) continue;
            try
            {
                await Table.AddEntityAsync(new ReconcileOrphanEntity { RowKey = key, FirstSeenAt = at }, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
            }
        }

        foreach (string key in before.Keys)
        {
            if (after.ContainsKey(key)) continue;
            try
            {
                await Table.DeleteEntityAsync(ReconcileOrphanEntity.PartitionName, key, ETag.All, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
        }
    }

    public Task RecordPassAsync(ReconcilePassEntity pass, CancellationToken cancellationToken)
    {
        pass.RowKey = $"{DateTimeOffset.MaxValue.UtcTicks - pass.StartedAt.UtcTicks:D19}-{pass.Instance}";
        return Table.AddEntityAsync(pass, cancellationToken);
    }
}
