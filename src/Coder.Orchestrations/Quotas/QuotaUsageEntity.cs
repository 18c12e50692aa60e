using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Quotas;

/// <summary>
/// An owner's reservations (PK = owner, RK = <see cref="Row"/>): what each of their workspaces declares, keyed by
/// workspace id, as JSON. Every reservation is one ETag-conditional write of this row, so racing requests are serialized
/// here, and keying by id makes taking or releasing one twice the same as once.
/// </summary>
public sealed class QuotaUsageEntity : ITableEntity
{
    public const string Row = "usage";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Reservations { get; set; } = "{}";
}
