using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Agents.Metrics;

/// <summary>
/// The rolling metrics window of every workspace, written by agent metrics ingest and read by the autoscaler and the
/// metrics API. One row per workspace, updated read-modify-write with its ETag (replicas report concurrently, so a
/// conflict re-reads and folds the sample in again). Buckets older than the retention fall off on every write.
/// </summary>
public sealed class WorkspaceMetricsHistory(CoderTables tables, IOptions<MetricsHistoryOptions> options, TimeProvider time)
{
    public const string TableName = "WorkspaceMetrics";
    volatile bool _tableReady;

    // Each workspace's row as this instance last wrote it: the next sample starts from it under its ETag, so a sample costs
    // one conditional write, and a lost race (another instance's or replica's sample) reads again and folds in on top.
    readonly ExpiringCache<MetricsHistoryEntity> _written = new(time, TimeSpan.FromMinutes(5), 100_000);

    public TimeSpan BucketLength => options.Value.BucketLength;

    public TimeSpan Retention => options.Value.Retention;

    TableClient Table => tables.Get(TableName);

    /// <summary>Folds one sample into its bucket. Samples older than the retention are dropped.</summary>
    public async Task RecordAsync(string workspaceId, MetricSample sample, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (sample.At < now - Retention) return;
        await EnsureTableAsync(cancellationToken);
        long bucketSeconds = (long)BucketLength.TotalSeconds;
        var start = DateTimeOffset.FromUnixTimeSeconds(sample.At.ToUnixTimeSeconds() / bucketSeconds * bucketSeconds);

        // A conflict means another replica's sample landed first: the row is read again and this one folded in on top.
        // A workspace's first sample inserts the row (it has no ETag yet).
        await OptimisticConcurrency.MutateRememberedAsync(_written.TryGet(workspaceId, out var remembered) ? RowCopy.Of(remembered) : null, async ct =>
        {
            // A history written under the old row key (KeyedRowKey) is carried over: inserted under the new one, which readers prefer.
            var stored = await KeyedRowKey.GetAsync<MetricsHistoryEntity>(Table, workspaceId, MetricsHistoryEntity.LegacyRowKey, ct);
            return stored is null || KeyedRowKey.IsLegacy(stored)
                ? new MetricsHistoryEntity { PartitionKey = workspaceId, BucketSeconds = stored?.BucketSeconds ?? 0, Data = stored?.Data }
                : stored;
        }, entity =>
        {
            var buckets = entity.BucketSeconds == bucketSeconds ? MetricsHistoryCodec.Decode(entity.Data) : [];
            int at = buckets.FindIndex(b => b.Start == start);
            if (at >= 0) buckets[at] = buckets[at].Add(sample);
            else
            {
                // Late samples (an agent's outbox draining after a disconnect) go in order, not at the end.
                int later = buckets.FindIndex(b => b.Start > start);
                buckets.Insert(later < 0 ? buckets.Count : later, MetricBucket.First(start, sample));
            }

            buckets.RemoveAll(b => b.Start < now - Retention);
            if (buckets.Count > MetricsHistoryOptions.MaxBuckets) buckets.RemoveRange(0, buckets.Count - MetricsHistoryOptions.MaxBuckets);
            entity.BucketSeconds = (int)bucketSeconds;
            entity.Data = MetricsHistoryCodec.Encode(buckets);
            return true;
        }, SaveAsync, cancellationToken);
    }

    Task<MetricsHistoryEntity> SaveAsync(MetricsHistoryEntity entity, CancellationToken cancellationToken) =>
        OptimisticConcurrency.SaveRememberedAsync(Table, entity, _written, cancellationToken);

    /// <summary>The buckets of the last <paramref name="window"/>, oldest first.</summary>
    public async Task<IReadOnlyList<MetricBucket>> ReadAsync(string workspaceId, TimeSpan window, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var stored = await KeyedRowKey.GetAsync<MetricsHistoryEntity>(Table, workspaceId, MetricsHistoryEntity.LegacyRowKey, cancellationToken);
        if (stored is null || stored.BucketSeconds != (int)BucketLength.TotalSeconds) return [];
        var from = time.GetUtcNow() - window;
        return MetricsHistoryCodec.Decode(stored.Data).Where(b => b.Start + BucketLength > from).ToList();
    }

    /// <summary>Drops a workspace's history (when it is deleted).</summary>
    public async Task RemoveAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        _written.Remove(workspaceId);
        await Table.DeleteEntityAsync(workspaceId, workspaceId, ETag.All, cancellationToken);
        await Table.DeleteEntityAsync(workspaceId, MetricsHistoryEntity.LegacyRowKey, ETag.All, cancellationToken);
    }

    /// <summary>The table belongs to this feature, so it is created on first use rather than in the shared table list.</summary>
    async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_tableReady) return;
        try
        {
            await Table.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Created by another instance at the same moment.
        }

        _tableReady = true;
    }
}
