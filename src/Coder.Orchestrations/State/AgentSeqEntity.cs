using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>Marks an envelope as ingested: PK = agent id, RK = seq (zero-padded).</summary>
public sealed class AgentSeqEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public static string RowKeyFor(long seq) => seq.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
}
