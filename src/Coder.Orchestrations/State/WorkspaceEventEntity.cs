using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.State;

/// <summary>
/// One timeline entry: PK = workspace id, RK = inverted ticks plus a discriminator, so a page reads newest first.
/// Writers derive the key from deterministic inputs (orchestration time and step, or agent id and seq), so a retried
/// write lands on the same row instead of duplicating the entry.
/// </summary>
public sealed class WorkspaceEventEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset At { get; set; }
    public string Kind { get; set; } = "";
    public string Message { get; set; } = "";
    public string? Reason { get; set; }
    public string? Actor { get; set; }
    public string? OperationId { get; set; }

    /// <summary>What caused a schedule decision (see <c>WorkspaceEventView.Source</c>).</summary>
    public string? Source { get; set; }

    public static string RowKeyFor(DateTimeOffset at, string discriminator) =>
        $"{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}-{discriminator}";
}
