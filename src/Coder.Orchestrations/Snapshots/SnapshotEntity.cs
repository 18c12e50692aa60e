using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Snapshots;

/// <summary>One snapshot: PK = workspace id, RK = snapshot id. Status moves capturing → ready or failed, by ETag-guarded writes.</summary>
public sealed class SnapshotEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Owner { get; set; } = "";
    public string? ParentId { get; set; }
    public string? Label { get; set; }
    public string Status { get; set; } = "capturing";

    /// <summary>Whether <see cref="Status"/> is one of <paramref name="statuses"/> (compared by wire name).</summary>
    public bool IsIn(params ReadOnlySpan<Contracts.Snapshots.SnapshotStatus> statuses) => Common.WireNames.IsAny(Status, statuses);

    /// <summary><c>manual</c>, <c>scheduled</c> or <c>pre-restore</c>.</summary>
    public string Trigger { get; set; } = "manual";
    public string? OperationId { get; set; }
    public long? SizeBytes { get; set; }
    public long? UploadedBytes { get; set; }
    public string? Sha256 { get; set; }
    public string? Location { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}
