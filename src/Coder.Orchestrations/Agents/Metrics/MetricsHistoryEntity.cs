using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Agents.Metrics;

/// <summary>
/// A workspace's metrics history in one row (PK = workspace id, RK = <see cref="RowKeyValue"/>): the buckets packed by
/// <see cref="MetricsHistoryCodec"/>, so the policy and the API read the whole window in one point read.
/// </summary>
public sealed class MetricsHistoryEntity : ITableEntity
{
    public const string RowKeyValue = "history";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = RowKeyValue;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int BucketSeconds { get; set; }
    public byte[]? Data { get; set; }
}
