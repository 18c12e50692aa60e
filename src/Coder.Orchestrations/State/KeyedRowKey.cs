using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>
/// Tables whose rows are one per partition (an agents row per workspace, a token row per hash, a metrics history per
/// workspace) repeat the partition key as the row key instead of giving every row the same row key. Azure Tables finds a
/// (PK, RK) pair by its index either way; Azurite's table store (LokiJS) looks a point read up by the row key's index
/// first, so a row key that every row shares turned every point read and every update into a scan of the whole table, and
/// its cost grew with the fleet. Rows written before keep their old row key: <see cref="GetAsync{TEntity}"/> falls back to
/// it, and each store moves or keeps such a row as its own rules allow.
/// </summary>
public static class KeyedRowKey
{
    /// <summary>
    /// The row at (<paramref name="partitionKey"/>, <paramref name="partitionKey"/>), else the one at the old
    /// (<paramref name="partitionKey"/>, <paramref name="legacyRowKey"/>), else null. A second read only on a miss.
    /// </summary>
    public static async Task<TEntity?> GetAsync<TEntity>(TableClient table, string partitionKey, string legacyRowKey, CancellationToken cancellationToken)
        where TEntity : class, ITableEntity, new()
    {
        var current = await table.GetEntityIfExistsAsync<TEntity>(partitionKey, partitionKey, cancellationToken: cancellationToken);
        if (current.HasValue) return current.Value;
        var legacy = await table.GetEntityIfExistsAsync<TEntity>(partitionKey, legacyRowKey, cancellationToken: cancellationToken);
        return legacy.HasValue ? legacy.Value : null;
    }

    /// <summary>True when <paramref name="row"/> is stored under the old, shared row key.</summary>
    public static bool IsLegacy(ITableEntity row) => row.RowKey != row.PartitionKey;
}
