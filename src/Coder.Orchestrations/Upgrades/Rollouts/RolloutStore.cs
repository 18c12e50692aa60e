using Azure;
using Azure.Data.Tables;
using Coder.Contracts.Upgrades;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Upgrades.Rollouts;

/// <summary>
/// Rollout state in the <c>Rollouts</c> table: one partition per rollout (header, batches, workspaces), read in one
/// query. Every write is ETag-guarded read-modify-write, retried on a lost race.
/// </summary>
public sealed class RolloutStore(CoderTables tables)
{
    public const string TableName = "Rollouts";

    readonly TableClient _table = tables.Get(TableName);
    Task? _created;

    Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        _created ??= CreateAsync(cancellationToken);

    async Task CreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Created by another instance at the same moment.
        }
    }

    /// <summary>
    /// Claims the template for a new rollout and writes its header. A rollout of the template that has not finished
    /// makes this a 409 naming it.
    /// </summary>
    public async Task<RolloutEntity> BeginAsync(RolloutEntity header, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        string pk = RolloutClaimEntity.PartitionKeyFor(header.Template);
        string rolloutId = await OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            var claim = await GetAsync<RolloutClaimEntity>(pk, RolloutClaimEntity.RowKeyValue, ct);
            if (claim?.RolloutId is { } current && await GetHeaderAsync(current, ct) is { } running && !RolloutStates.IsFinished(running.Status))
                throw CoderProblemException.Conflict($"Rollout {current} of template '{header.Template}' is still {running.Status}.", current);
            int generation = (claim?.Generation ?? 0) + 1;
            string id = IdFor(header.Template, generation);

            // Inserted when there was no claim, else replaced under the ETag of the one read: a lost race reads again.
            await OptimisticConcurrency.SaveAsync(_table, new RolloutClaimEntity { PartitionKey = pk, Generation = generation, RolloutId = id, ETag = claim?.ETag ?? default }, ct);
            return id;
        }, cancellationToken);
        header.PartitionKey = rolloutId;
        header.RowKey = RolloutEntity.RowKeyValue;
        await _table.AddEntityAsync(header, cancellationToken);
        return header;
    }

    public static string IdFor(string template, int generation) => $"ro-{template}-{generation:D4}";

    public Task<RolloutEntity?> GetHeaderAsync(string rolloutId, CancellationToken cancellationToken) =>
        GetAsync<RolloutEntity>(rolloutId, RolloutEntity.RowKeyValue, cancellationToken);

    /// <summary>Header, batches and workspaces of one rollout (range queries inside its partition); null when it does not exist.</summary>
    public async Task<(RolloutEntity Header, IReadOnlyList<RolloutBatchEntity> Batches, IReadOnlyList<RolloutWorkspaceEntity> Workspaces)?> ReadAsync(string rolloutId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var header = await GetHeaderAsync(rolloutId, cancellationToken);
        var batches = new List<RolloutBatchEntity>();
        var workspaces = new List<RolloutWorkspaceEntity>();
        if (header is null) return null;
        await foreach (var b in _table.QueryAsync<RolloutBatchEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {rolloutId} and RowKey ge {RolloutBatchEntity.RowKeyPrefix} and RowKey lt {"batch."}"), cancellationToken: cancellationToken))
            batches.Add(b);
        await foreach (var w in _table.QueryAsync<RolloutWorkspaceEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {rolloutId} and RowKey ge {RolloutWorkspaceEntity.RowKeyPrefix} and RowKey lt {"w}"}"), cancellationToken: cancellationToken))
            workspaces.Add(w);
        return (header, batches, workspaces);
    }

    public Task<RolloutEntity?> MutateHeaderAsync(string rolloutId, Func<RolloutEntity, bool> mutate, CancellationToken cancellationToken) =>
        MutateAsync(rolloutId, RolloutEntity.RowKeyValue, () => null, mutate, cancellationToken);

    public Task<RolloutBatchEntity?> MutateBatchAsync(string rolloutId, int index, Func<RolloutBatchEntity, bool> mutate, CancellationToken cancellationToken) =>
        MutateAsync(rolloutId, RolloutBatchEntity.RowKeyFor(index), () => new RolloutBatchEntity { PartitionKey = rolloutId, RowKey = RolloutBatchEntity.RowKeyFor(index), Index = index }, mutate, cancellationToken);

    public Task<RolloutWorkspaceEntity?> MutateWorkspaceAsync(string rolloutId, string workspaceId, Func<RolloutWorkspaceEntity, bool> mutate, CancellationToken cancellationToken) =>
        MutateAsync(rolloutId, RolloutWorkspaceEntity.RowKeyFor(workspaceId), () => new RolloutWorkspaceEntity { PartitionKey = rolloutId, RowKey = RolloutWorkspaceEntity.RowKeyFor(workspaceId), WorkspaceId = workspaceId }, mutate, cancellationToken);

    /// <summary>Read-modify-write with ETags; <paramref name="create"/> gives a new row when it is missing (null: leave it missing).</summary>
    async Task<T?> MutateAsync<T>(string pk, string rk, Func<T?> create, Func<T, bool> mutate, CancellationToken cancellationToken) where T : class, ITableEntity
    {
        await EnsureCreatedAsync(cancellationToken);

        // A created row has no ETag, so it is inserted; a read one is replaced under its ETag.
        return await OptimisticConcurrency.MutateAsync<T>(null, async ct => await GetAsync<T>(pk, rk, ct) ?? create(), mutate, (row, ct) => OptimisticConcurrency.SaveAsync(_table, row, ct), cancellationToken);
    }

    async Task<T?> GetAsync<T>(string pk, string rk, CancellationToken cancellationToken) where T : class, ITableEntity
    {
        await EnsureCreatedAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<T>(pk, rk, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
