using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Agents.Metrics;

/// <summary>
/// A workspace's metrics history in one row (PK = RK = workspace id, see <see cref="State.KeyedRowKey"/>; rows written
/// before have RK = <see cref="LegacyRowKey"/>): the buckets packed by
/// <see cref="MetricsHistoryCodec"/>, so the policy and the API read the whole window in one point read.
/// </summary>
public sealed class MetricsHistoryEntity : ITableEntity
{
    /// <summary>The row key every history row had before it repeated the workspace id.</summary>
    public const string LegacyRowKey = "history";

    string? _rowKey;

    public string PartitionKey { get; set; } = "";

    /// <summary>The workspace id, like the partition key, unless set (a row read under <see cref="LegacyRowKey"/>).</summary>
    public string RowKey { get => _rowKey ?? PartitionKey; set => _rowKey = value; }
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int BucketSeconds { get; set; }
    public byte[]? Data { get; set; }
}
