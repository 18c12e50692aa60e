using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Reconciliation;

/// <summary>
/// The record of one reconcile pass: PK = <see cref="PartitionName"/>, RK = inverted start ticks plus the instance, so
/// two instances running the same period would leave two rows (that is what the singleton test looks for).
/// </summary>
public sealed class ReconcilePassEntity : ITableEntity
{
    public const string PartitionName = "pass";

    public string PartitionKey { get; set; } = PartitionName;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>Which control-plane instance ran it (machine and process).</summary>
    public string Instance { get; set; } = "";
    public string Trigger { get; set; } = "";

    /// <summary>The timer occurrence after the one this pass ran for: one pass per value means one pass per period.</summary>
    public DateTimeOffset? NextOccurrence { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset EndedAt { get; set; }
    public int Workspaces { get; set; }
    public int InventoryItems { get; set; }
    public int Actions { get; set; }
    public int ActionsTaken { get; set; }

    /// <summary>The actions as <c>kind:workspace:reason</c>, comma separated (a short audit line).</summary>
    public string? Summary { get; set; }
}
