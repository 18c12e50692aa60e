using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.State;

/// <summary>
/// The observed state of workspaces' agents (<see cref="WorkspaceAgentsEntity"/>): one row per workspace, read beside the
/// workspace row (two point reads in parallel) and written by ingest and by the activities that start, stop, resize or
/// switch builds. Every write is ETag-guarded (an insert for a workspace's first row); a lost race re-reads and applies
/// again. A workspace written by the previous version has no row yet: its observed columns on the workspace row are read
/// instead (<see cref="WorkspaceAgentsEntity.FromLegacy"/>), and the first write here starts from them.
/// </summary>
public sealed class WorkspaceAgentStore(CoderTables tables, TimeProvider time)
{
    /// <summary>
    /// How long a read of the agents row is reused for a workspace's GET (<see cref="GetRecentAsync(string, CancellationToken)"/>):
    /// a write on this instance shows at once, one made on another instance within this time.
    /// </summary>
    public static readonly TimeSpan RecentTime = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a row this instance read or wrote stays its starting point for the next read-modify-write: the write's ETag
    /// decides whether it was still current (<see cref="OptimisticConcurrency.MutateRememberedAsync"/>), so a heartbeat costs
    /// one conditional write instead of a read and a write. Display reads take it only while it is young enough for them.
    /// </summary>
    public static readonly TimeSpan RememberTime = TimeSpan.FromMinutes(5);

    /// <summary>One row per live workspace of a busy control plane; past it the memory starts over (a miss costs a read).</summary>
    const int MaxRemembered = 100_000;

    readonly ExpiringCache<WorkspaceAgentsEntity> _known = new(time, RememberTime, MaxRemembered);

    /// <summary>
    /// The agents row for a workspace's GET: a copy read or written here at most <see cref="RecentTime"/> ago. Nothing
    /// decides on it; writers write under the ETag.
    /// </summary>
    public Task<WorkspaceAgentsEntity?> GetRecentAsync(string workspaceId, CancellationToken cancellationToken) =>
        GetRecentAsync(workspaceId, RecentTime, cancellationToken);

    /// <summary>
    /// The agents row for display, read or written here at most <paramref name="maxAge"/> ago, else read now. A list takes
    /// the fleet's heartbeat interval: on one instance every write passes here and shows at once; another instance's shows
    /// within one interval, no later than the next heartbeat could have changed it anyway.
    /// </summary>
    public async Task<WorkspaceAgentsEntity?> GetRecentAsync(string workspaceId, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (_known.TryGetFresh(workspaceId, maxAge, out var known)) return RowCopy.Of(known);
        return await GetAsync(workspaceId, cancellationToken);
    }

    public async Task<WorkspaceAgentsEntity?> GetAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var row = await KeyedRowKey.GetAsync<WorkspaceAgentsEntity>(tables.WorkspaceAgents, workspaceId, WorkspaceAgentsEntity.LegacyRow, cancellationToken);
        if (row is null) return null;
        if (KeyedRowKey.IsLegacy(row)) row = await MoveLegacyAsync(row, cancellationToken);
        _known.Set(workspaceId, RowCopy.Of(row));
        return row;
    }

    /// <summary>
    /// Moves a row written under the old row key to the workspace id (<see cref="KeyedRowKey"/>): an insert; a concurrent
    /// move inserted first (409), and its row is the one. The old row stays until the workspace is deleted: a reader that
    /// missed the new key just before the insert must still find it, and once the new row exists nobody reads it.
    /// </summary>
    async Task<WorkspaceAgentsEntity> MoveLegacyAsync(WorkspaceAgentsEntity legacy, CancellationToken cancellationToken)
    {
        var moved = RowCopy.Of(legacy);
        moved.RowKey = legacy.PartitionKey;
        moved.ETag = default;
        try
        {
            return await OptimisticConcurrency.SaveAsync(tables.WorkspaceAgents, moved, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return (await tables.WorkspaceAgents.GetEntityAsync<WorkspaceAgentsEntity>(legacy.PartitionKey, legacy.PartitionKey, cancellationToken: cancellationToken)).Value;
        }
    }

    /// <summary>A copy of the row as this instance last read or wrote it (within <see cref="RememberTime"/>), or null; nothing is read.</summary>
    public WorkspaceAgentsEntity? Remembered(string workspaceId) =>
        _known.TryGet(workspaceId, out var known) ? RowCopy.Of(known) : null;

    /// <summary>The workspace's agents row, or the one its legacy columns describe (not stored yet: its ETag is empty).</summary>
    public async Task<WorkspaceAgentsEntity> ReadAsync(WorkspaceEntity workspace, CancellationToken cancellationToken) =>
        await GetAsync(workspace.RowKey, cancellationToken) ?? WorkspaceAgentsEntity.FromLegacy(workspace);

    /// <summary>The live build's observation (see <see cref="AgentObservation.Of"/>).</summary>
    public async Task<AgentObservation> ObserveAsync(WorkspaceEntity workspace, CancellationToken cancellationToken) =>
        AgentObservation.Of(workspace, await ReadAsync(workspace, cancellationToken));

    /// <summary>Every agents row, by workspace id (the reconciler's scan, beside its scan of the workspace rows).</summary>
    public async Task<Dictionary<string, WorkspaceAgentsEntity>> ScanAsync(CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, WorkspaceAgentsEntity>(StringComparer.Ordinal);
        await foreach (var row in tables.WorkspaceAgents.QueryAsync<WorkspaceAgentsEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            // A row not moved yet (KeyedRowKey) counts only while its workspace has no row under the new key.
            if (!KeyedRowKey.IsLegacy(row) || !rows.ContainsKey(row.PartitionKey)) rows[row.PartitionKey] = row;
        }
        return rows;
    }

    /// <summary>Stores <paramref name="agents"/> if it is unchanged since it was read (inserts it if it was never stored); 412 or 409 otherwise.</summary>
    public Task<WorkspaceAgentsEntity> SaveAsync(WorkspaceAgentsEntity agents, CancellationToken cancellationToken) =>
        OptimisticConcurrency.SaveRememberedAsync(tables.WorkspaceAgents, agents, _known, cancellationToken);

    /// <summary>
    /// Read-modify-write of <paramref name="workspace"/>'s agents row, starting from <paramref name="read"/> when the caller
    /// has just read it. <paramref name="mutate"/> returns false to leave the row alone and must be safe to apply twice.
    /// Returns the row as stored.
    /// </summary>
    public async Task<WorkspaceAgentsEntity> MutateAsync(WorkspaceEntity workspace, WorkspaceAgentsEntity? read, Func<WorkspaceAgentsEntity, bool> mutate, CancellationToken cancellationToken) =>
        (await MutateAsync(workspace.RowKey, workspace, read, mutate, cancellationToken))!;

    /// <summary>
    /// <see cref="MutateAsync(WorkspaceEntity, WorkspaceAgentsEntity?, Func{WorkspaceAgentsEntity, bool}, CancellationToken)"/>
    /// for a caller that holds the agents row but not the workspace row: when the row is gone (its workspace was deleted)
    /// and there is no <paramref name="legacySource"/>, nothing is written and the result is null. Without
    /// <paramref name="read"/> it starts from the row as this instance last saw it (<see cref="Remembered"/>), under its ETag.
    /// </summary>
    public Task<WorkspaceAgentsEntity?> MutateAsync(string workspaceId, WorkspaceEntity? legacySource, WorkspaceAgentsEntity? read, Func<WorkspaceAgentsEntity, bool> mutate, CancellationToken cancellationToken) =>
        read is null
            ? OptimisticConcurrency.MutateRememberedAsync(Remembered(workspaceId), ct => ReadAsync(workspaceId, legacySource, ct), mutate, SaveAsync, cancellationToken)
            : OptimisticConcurrency.MutateAsync(read, ct => ReadAsync(workspaceId, legacySource, ct), mutate, SaveAsync, cancellationToken);

    async Task<WorkspaceAgentsEntity?> ReadAsync(string workspaceId, WorkspaceEntity? legacySource, CancellationToken cancellationToken) =>
        await GetAsync(workspaceId, cancellationToken) ?? (legacySource is null ? null : WorkspaceAgentsEntity.FromLegacy(legacySource));

    /// <summary>Removes the workspace's agents row (its workspace is deleted).</summary>
    public async Task DeleteAsync(string workspaceId, CancellationToken cancellationToken)
    {
        _known.Remove(workspaceId);
        await DeleteQuietlyAsync(workspaceId, workspaceId, ETag.All, cancellationToken);
        // A row under the old key that was never moved must not outlive its workspace.
        await DeleteQuietlyAsync(workspaceId, WorkspaceAgentsEntity.LegacyRow, ETag.All, cancellationToken);
    }

    async Task DeleteQuietlyAsync(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await tables.WorkspaceAgents.DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Already gone: a retried delete.
        }
    }
}
