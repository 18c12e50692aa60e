using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Audit;

/// <summary>
/// An Audit row: PK = UTC day (yyyyMMdd), RK = inverted ticks + random suffix, so a day reads newest first in one
/// partition. Failed authentications are one row per address and minute (RK = the minute's inverted ticks +
/// <c>-auth-</c> + the address's hash), with <see cref="Count"/>.
/// </summary>
public sealed class AuditEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string Result { get; set; } = "";
    public int? Status { get; set; }
    public string? RequestId { get; set; }
    public string? Detail { get; set; }
    public int? Count { get; set; }
}
