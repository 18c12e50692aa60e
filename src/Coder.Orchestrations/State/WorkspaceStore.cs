using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.State;

/// <summary>
/// Workspaces in Table Storage: PK = owner, RK = workspace id, plus a name-claim row in the same partition and an
/// id → owner index. Every update is ETag-guarded; <see cref="MutateAsync"/> re-reads and retries on a lost race.
/// </summary>
public sealed class WorkspaceStore(CoderTables tables, TimeProvider? time = null)
{
    // Workspace rows as this instance last read or wrote them: a read-modify-write (MutateAsync) starts from one under
    // its ETag instead of reading first; the write's ETag says whether it was current (OptimisticConcurrency.MutateRememberedAsync).
    readonly ExpiringCache<WorkspaceEntity> _known = new(time ?? TimeProvider.System, TimeSpan.FromMinutes(1));

    /// <summary>Enough ids for a busy control plane; past it the cache starts over (a miss costs one index read).</summary>
    const int MaxCachedOwners = 100_000;

    // A workspace's owner never changes, so id → owner is safe to keep: a GET then costs one read, not two.
    // Deleted workspaces need no eviction: the row read that follows the lookup finds the tombstone or nothing.
    readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);

    /// <summary>Workspace rows have ids starting with <c>ws-</c>; this range leaves out name claims.</summary>
    public const string RowKeyFrom = "ws-";
    public const string RowKeyTo = "ws.";

    /// <summary>Creates the workspace and claims its name atomically; a taken name is a 409.</summary>
    public async Task CreateAsync(WorkspaceEntity workspace, CancellationToken cancellationToken)
    {
        var claim = new WorkspaceNameClaimEntity
        {
            PartitionKey = workspace.PartitionKey,
            RowKey = WorkspaceNameClaimEntity.RowKeyPrefix + workspace.Name,
            WorkspaceId = workspace.RowKey,
        };

        // The index row first: if the transaction then fails, the orphan index row points at nothing and reads as 404.
        await tables.WorkspaceIndex.UpsertEntityAsync(new WorkspaceIndexEntity { PartitionKey = workspace.RowKey, Owner = workspace.PartitionKey }, TableUpdateMode.Replace, cancellationToken);
        try
        {
            var response = await tables.Workspaces.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, workspace), new TableTransactionAction(TableTransactionActionType.Add, claim)], cancellationToken);
            if (response.Value.Count > 0 && response.Value[0].Headers.ETag is { } etag)
            {
                var written = RowCopy.Of(workspace);
                written.ETag = etag;
                _known.Set(workspace.RowKey, written);
            }
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            await tables.WorkspaceIndex.DeleteEntityAsync(workspace.RowKey, "", ETag.All, cancellationToken);
            throw NameTaken(workspace.Name);
        }
    }

    public static CoderProblemException NameTaken(string name) => CoderProblemException.Conflict($"You already have a workspace named '{name}'.");

    /// <summary>Whether the owner has a workspace of this name (its claim row); the create transaction remains the guard.</summary>
    public async Task<bool> NameTakenAsync(string owner, string name, CancellationToken cancellationToken) =>
        (await tables.Workspaces.GetEntityIfExistsAsync<WorkspaceNameClaimEntity>(owner, WorkspaceNameClaimEntity.RowKeyPrefix + name, cancellationToken: cancellationToken)).HasValue;

    /// <summary>Whether <paramref name="workspaceId"/> has the shape of a workspace id (a safe table key); it may still name nothing.</summary>
    public static bool IsWorkspaceId(string workspaceId) =>
        workspaceId.StartsWith(RowKeyFrom, StringComparison.Ordinal) && workspaceId.Length <= 64 && workspaceId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>The workspace with this id, or null when it does not exist (deleted ones included, for callers that filter).</summary>
    public async Task<WorkspaceEntity?> FindAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (!workspaceId.StartsWith(RowKeyFrom, StringComparison.Ordinal) || workspaceId.Length > 64) return null;
        if (_owners.TryGetValue(workspaceId, out string? owner))
        {
            // A claimed warm-pool member moved to its owner's partition: a miss under the cached owner asks the index again.
            if (await GetAsync(owner, workspaceId, cancellationToken) is { } cached) return cached;
            _owners.TryRemove(workspaceId, out _);
        }

        var index = await tables.WorkspaceIndex.GetEntityIfExistsAsync<WorkspaceIndexEntity>(workspaceId, "", cancellationToken: cancellationToken);
        if (!index.HasValue) return null;
        var workspace = await GetAsync(index.Value!.Owner, workspaceId, cancellationToken);

        // Only ids whose row exists: an orphan index row (a create that failed midway) must keep reading as 404.
        if (workspace is not null)
        {
            if (_owners.Count >= MaxCachedOwners) _owners.Clear();
            _owners[workspaceId] = workspace.PartitionKey;
        }

        return workspace;
    }

    public async Task<WorkspaceEntity?> GetAsync(string owner, string workspaceId, CancellationToken cancellationToken)
    {
        var response = await tables.Workspaces.GetEntityIfExistsAsync<WorkspaceEntity>(owner, workspaceId, cancellationToken: cancellationToken);
        if (!response.HasValue) return null;
        Remember(response.Value!);
        return response.Value;
    }

    /// <summary>
    /// The row as read or written here at most <paramref name="maxAge"/> ago (a copy), else read now. Only for checks whose
    /// staleness is bounded by design: this instance's own writes show at once, another's within <paramref name="maxAge"/>.
    /// </summary>
    public async Task<WorkspaceEntity?> GetRecentAsync(string owner, string workspaceId, TimeSpan maxAge, CancellationToken cancellationToken) =>
        maxAge > TimeSpan.Zero && _known.TryGetFresh(workspaceId, maxAge, out var known) && known.PartitionKey == owner
            ? RowCopy.Of(known)
            : await GetAsync(owner, workspaceId, cancellationToken);

    /// <summary>Replaces the row if its ETag still matches; throws <see cref="RequestFailedException"/> 412 otherwise.</summary>
    public async Task<WorkspaceEntity> UpdateAsync(WorkspaceEntity workspace, CancellationToken cancellationToken)
    {
        var stored = await OptimisticConcurrency.ReplaceAsync(tables.Workspaces, workspace, cancellationToken);
        Remember(stored);
        return stored;
    }

    /// <summary>
    /// Read-modify-write with ETags: <paramref name="mutate"/> returns false to leave the row alone. Retries when another
    /// writer got there first, so no update is lost. Returns the row as stored, or null when it does not exist. It starts
    /// from the row as this instance last saw it, when it did, instead of reading it first.
    /// </summary>
    public Task<WorkspaceEntity?> MutateAsync(string owner, string workspaceId, Func<WorkspaceEntity, bool> mutate, CancellationToken cancellationToken) =>
        OptimisticConcurrency.MutateRememberedAsync(
            _known.TryGet(workspaceId, out var known) && known.PartitionKey == owner ? RowCopy.Of(known) : null,
            ct => GetAsync(owner, workspaceId, ct), mutate, UpdateAsync, cancellationToken);

    void Remember(WorkspaceEntity row)
    {
        if (row.ETag != default) _known.Set(row.RowKey, RowCopy.Of(row));
    }

    /// <summary>
    /// The first half of moving a row to another owner: writes <paramref name="moved"/> (same id, new partition) and its
    /// name claim in one transaction; a taken name is a 409. The id's index row still names the old owner.
    /// </summary>
    public async Task AddMovedAsync(WorkspaceEntity moved, CancellationToken cancellationToken)
    {
        var claim = new WorkspaceNameClaimEntity { PartitionKey = moved.PartitionKey, RowKey = WorkspaceNameClaimEntity.RowKeyPrefix + moved.Name, WorkspaceId = moved.RowKey };
        try
        {
            await tables.Workspaces.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, moved), new TableTransactionAction(TableTransactionActionType.Add, claim)], cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            throw NameTaken(moved.Name);
        }
    }

    /// <summary>
    /// The second half of moving a row to another owner (a claimed pool member): points the id's index row at
    /// <paramref name="moved"/>'s owner, then deletes the row it was copied from and its name claim in one transaction
    /// under the row's ETag.
    /// </summary>
    public async Task CompleteMoveAsync(WorkspaceEntity from, WorkspaceEntity moved, CancellationToken cancellationToken)
    {
        await tables.WorkspaceIndex.UpsertEntityAsync(new WorkspaceIndexEntity { PartitionKey = moved.RowKey, Owner = moved.PartitionKey }, TableUpdateMode.Replace, cancellationToken);
        _owners[moved.RowKey] = moved.PartitionKey;
        await tables.Workspaces.SubmitTransactionAsync([
            new TableTransactionAction(TableTransactionActionType.Delete, from, from.ETag),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(from.PartitionKey, WorkspaceNameClaimEntity.RowKeyPrefix + from.Name), ETag.All),
        ], cancellationToken);
        _known.Remove(moved.RowKey);
    }

    /// <summary>Marks the workspace deleted and frees its name in one transaction (same partition).</summary>
    public async Task TombstoneAsync(WorkspaceEntity workspace, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, workspace, workspace.ETag),
            new(TableTransactionActionType.Delete, new TableEntity(workspace.PartitionKey, WorkspaceNameClaimEntity.RowKeyPrefix + workspace.Name), ETag.All),
        };
        try
        {
            await tables.Workspaces.SubmitTransactionAsync(actions, cancellationToken);

            // The live row this instance remembers is no more (a read racing the write may have put it back in between).
            _known.Remove(workspace.RowKey);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404 && e.FailedTransactionActionIndex == 1)
        {
            // The claim is already gone (a retried delete): tombstone the row alone.
            await UpdateAsync(workspace, cancellationToken);
        }
    }

    /// <summary>One page of workspaces, of one owner or of everyone. Reads go partition by partition, a page at a time.</summary>
    public async Task<(IReadOnlyList<WorkspaceEntity> Items, string? ContinuationToken)> ListPageAsync(string? owner, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        string filter = owner is null
            ? TableClient.CreateQueryFilter($"RowKey ge {RowKeyFrom} and RowKey lt {RowKeyTo}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {owner} and RowKey ge {RowKeyFrom} and RowKey lt {RowKeyTo}");
        await foreach (var page in tables.Workspaces.QueryAsync<WorkspaceEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize))
        {
            return (page.Values, page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>Up to <paramref name="max"/> ids of workspaces not deleted that were created from <paramref name="template"/>.</summary>
    public async Task<IReadOnlyList<string>> UsingTemplateAsync(string template, int max, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"RowKey ge {RowKeyFrom} and RowKey lt {RowKeyTo} and Template eq {template} and Status ne {"deleted"}");
        var ids = new List<string>();
        await foreach (var row in tables.Workspaces.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(row.RowKey);
            if (ids.Count >= max) break;
        }

        return ids;
    }

    /// <summary>Every workspace row, page by page (the reconciler's scan).</summary>
    public async IAsyncEnumerable<WorkspaceEntity> ScanAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"RowKey ge {RowKeyFrom} and RowKey lt {RowKeyTo}");
        await foreach (var workspace in tables.Workspaces.QueryAsync<WorkspaceEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            yield return workspace;
        }
    }
}
