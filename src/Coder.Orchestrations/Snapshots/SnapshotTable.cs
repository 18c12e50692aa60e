using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Snapshots;

/// <summary>The <c>Snapshots</c> table. Every write is ETag-guarded; a conflict is read again and decided again.</summary>
public sealed class SnapshotTable
{
    public const string TableName = "Snapshots";

    readonly TableClient _table;
    readonly Lazy<Task> _created;

    public SnapshotTable(CoderTables tables)
    {
        _table = tables.Get(TableName);
        _created = new Lazy<Task>(() => CreateAsync(_table));
    }

    public async Task CreateAsync(SnapshotEntity snapshot, CancellationToken cancellationToken)
    {
        await _created.Value;
        try
        {
            await _table.AddEntityAsync(snapshot, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // A retried request or activity already recorded it.
        }
    }

    public async Task<SnapshotEntity?> GetAsync(string workspaceId, string snapshotId, CancellationToken cancellationToken)
    {
        await _created.Value;
        var response = await _table.GetEntityIfExistsAsync<SnapshotEntity>(workspaceId, snapshotId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>A snapshot by id alone (the id names its workspace).</summary>
    public Task<SnapshotEntity?> FindAsync(string snapshotId, CancellationToken cancellationToken) =>
        SnapshotIds.WorkspaceOf(snapshotId) is { } workspaceId ? GetAsync(workspaceId, snapshotId, cancellationToken) : Task.FromResult<SnapshotEntity?>(null);

    public async Task<IReadOnlyList<SnapshotEntity>> ListAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await _created.Value;
        var items = new List<SnapshotEntity>();
        await foreach (var s in _table.QueryAsync<SnapshotEntity>(e => e.PartitionKey == workspaceId, cancellationToken: cancellationToken)) items.Add(s);
        return items;
    }

    public async Task<IReadOnlyList<SnapshotEntity>> ScanAsync(CancellationToken cancellationToken)
    {
        await _created.Value;
        var items = new List<SnapshotEntity>();
        await foreach (var s in _table.QueryAsync<SnapshotEntity>(cancellationToken: cancellationToken)) items.Add(s);
        return items;
    }

    /// <summary>Read, change, write with If-Match; retried on a conflict. <paramref name="mutate"/> returns false to change nothing.</summary>
    public async Task<SnapshotEntity?> MutateAsync(string workspaceId, string snapshotId, Func<SnapshotEntity, bool> mutate, CancellationToken cancellationToken)
    {
        await _created.Value;
        return await OptimisticConcurrency.MutateEntityAsync(_table, workspaceId, snapshotId, mutate, cancellationToken);
    }

    /// <summary>Deletes the row only if it is unchanged since it was read.</summary>
    public async Task DeleteAsync(SnapshotEntity snapshot, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(snapshot.PartitionKey, snapshot.RowKey, snapshot.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    static async Task CreateAsync(TableClient table)
    {
        try
        {
            await table.CreateIfNotExistsAsync();
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
    }
}
