using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.State;

/// <summary>
/// The one read-mutate-conditional-write loop for table rows. Every store writes a row it read under that read's ETag;
/// when another writer got there first (412, or 409 for an insert that found the row), it reads again and applies its
/// change again, a bounded number of times, so no update is lost and no write is blind.
/// </summary>
public static class OptimisticConcurrency
{
    /// <summary>How many times one change is tried before the conflict reaches the caller.</summary>
    public const int MaxAttempts = 50;

    /// <summary>
    /// Runs <paramref name="attempt"/> (which reads, decides and writes conditionally) until it does not conflict.
    /// The attempt number starts at 1. After <see cref="MaxAttempts"/> conflicts the last one is thrown.
    /// </summary>
    public static async Task<T> RetryOnConflictAsync<T>(Func<int, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (int number = 1; ; number++)
        {
            try
            {
                return await attempt(number, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && number < MaxAttempts)
            {
                // Jittered and growing, so writers that collided do not collide again in step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 10 + number * 5)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Read-modify-write of one row: <paramref name="read"/> returns the row (null when there is none, which ends it with
    /// null); <paramref name="mutate"/> changes it and returns false to leave it alone; <paramref name="write"/> stores it
    /// under its ETag and returns it as stored. <paramref name="alreadyRead"/>, when given, is used for the first attempt
    /// instead of a read. <paramref name="mutate"/> may run more than once, each time on a fresh read.
    /// </summary>
    public static Task<TRow?> MutateAsync<TRow>(
        TRow? alreadyRead,
        Func<CancellationToken, Task<TRow?>> read,
        Func<TRow, bool> mutate,
        Func<TRow, CancellationToken, Task<TRow>> write,
        CancellationToken cancellationToken)
        where TRow : class =>
        RetryOnConflictAsync<TRow?>(async (number, ct) =>
            await DecideAndWriteAsync(number == 1 && alreadyRead is not null ? alreadyRead : await read(ct), mutate, write, ct), cancellationToken);

    /// <summary>
    /// <see cref="MutateAsync{TRow}"/> starting from a row this instance remembers (<paramref name="remembered"/>, a copy
    /// of what it last read or wrote), which saves the read in front of the conditional write: the write's ETag decides
    /// whether the memory was current (a 412 reads again and decides again). A decision the memory alone cannot prove (to
    /// leave the row alone, or a refusal thrown by <paramref name="mutate"/>) is made again on a fresh read, so a stale
    /// memory never decides anything.
    /// </summary>
    public static Task<TRow?> MutateRememberedAsync<TRow>(
        TRow? remembered,
        Func<CancellationToken, Task<TRow?>> read,
        Func<TRow, bool> mutate,
        Func<TRow, CancellationToken, Task<TRow>> write,
        CancellationToken cancellationToken)
        where TRow : class =>
        RetryOnConflictAsync<TRow?>(async (number, ct) =>
            number == 1 && remembered is not null && Decides(remembered, mutate)
                ? await write(remembered, ct)
                : await DecideAndWriteAsync(await read(ct), mutate, write, ct), cancellationToken);

    /// <summary>One attempt on a row as read: none ends it with null; a change is written under the row's ETag.</summary>
    static async Task<TRow?> DecideAndWriteAsync<TRow>(TRow? row, Func<TRow, bool> mutate, Func<TRow, CancellationToken, Task<TRow>> write, CancellationToken cancellationToken)
        where TRow : class
    {
        if (row is null) return null;
        if (!mutate(row)) return row;
        return await write(row, cancellationToken);
    }

    /// <summary>Whether <paramref name="mutate"/> changes the remembered row; a refusal or a no-op on it counts as unproven.</summary>
    static bool Decides<TRow>(TRow remembered, Func<TRow, bool> mutate)
    {
        try
        {
            return mutate(remembered);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary><see cref="MutateAsync{TRow}"/> of one entity of <paramref name="table"/>, replaced under its ETag.</summary>
    public static Task<TEntity?> MutateEntityAsync<TEntity>(TableClient table, string partitionKey, string rowKey, Func<TEntity, bool> mutate, CancellationToken cancellationToken)
        where TEntity : class, ITableEntity, new() =>
        MutateAsync<TEntity>(
            null,
            async ct =>
            {
                var found = await table.GetEntityIfExistsAsync<TEntity>(partitionKey, rowKey, cancellationToken: ct);
                return found.HasValue ? found.Value : null;
            },
            mutate,
            (row, ct) => ReplaceAsync(table, row, ct),
            cancellationToken);

    /// <summary>
    /// Stores <paramref name="row"/> conditionally: a row that was never stored (no ETag) is inserted, which is a 409 when
    /// another writer inserted it first; a row that was read is replaced under its ETag (<see cref="ReplaceAsync"/>).
    /// </summary>
    public static async Task<TEntity> SaveAsync<TEntity>(TableClient table, TEntity row, CancellationToken cancellationToken)
        where TEntity : class, ITableEntity
    {
        if (row.ETag != default) return await ReplaceAsync(table, row, cancellationToken);
        var response = await table.AddEntityAsync(row, cancellationToken);
        row.ETag = response.Headers.ETag ?? row.ETag;
        return row;
    }

    /// <summary>
    /// <see cref="SaveAsync{TEntity}"/> of a row whose store remembers what it last wrote (the starting point of
    /// <see cref="MutateRememberedAsync{TRow}"/>), keyed by partition: the stored row replaces the memory; a failed write
    /// forgets it, and a remembered row deleted since is a 412 like any lost race, so the retry reads again.
    /// </summary>
    public static async Task<TEntity> SaveRememberedAsync<TEntity>(TableClient table, TEntity row, ExpiringCache<TEntity> memory, CancellationToken cancellationToken)
        where TEntity : class, ITableEntity
    {
        try
        {
            var stored = await SaveAsync(table, row, cancellationToken);
            memory.Set(stored.PartitionKey, RowCopy.Of(stored));
            return stored;
        }
        catch (RequestFailedException e)
        {
            memory.Remove(row.PartitionKey);
            if (e.Status == 404 && row.ETag != default) throw new RequestFailedException(412, "The row is gone; read it again.", e);
            throw;
        }
    }

    /// <summary>Replaces <paramref name="row"/> under the ETag it was read with and carries the new ETag back on it.</summary>
    public static async Task<TEntity> ReplaceAsync<TEntity>(TableClient table, TEntity row, CancellationToken cancellationToken)
        where TEntity : class, ITableEntity
    {
        var response = await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
        row.ETag = response.Headers.ETag ?? row.ETag;
        return row;
    }
}
