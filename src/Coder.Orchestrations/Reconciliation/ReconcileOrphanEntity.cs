using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Reconciliation;

/// <summary>An orphan resource the reconciler saw: PK = <see cref="PartitionName"/>, RK = provisioner|workspace id.</summary>
public sealed class ReconcileOrphanEntity : ITableEntity
{
    public const string PartitionName = "orphan";

    public string PartitionKey { get; set; } = PartitionName;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }
}
