using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Upgrades.Rollouts;

/// <summary>One batch of a rollout: PK = rollout id, RK = <c>batch-{index:D4}</c>.</summary>
public sealed class RolloutBatchEntity : ITableEntity
{
    public const string RowKeyPrefix = "batch-";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Index { get; set; }
    public string Kind { get; set; } = "batch";

    /// <summary>JSON array of workspace ids.</summary>
    public string Workspaces { get; set; } = "[]";
    public string Status { get; set; } = "pending";
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? BakeStartedAt { get; set; }
    public DateTimeOffset? BakeEndedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public int Upgraded { get; set; }
    public int Failed { get; set; }
    public string? Reason { get; set; }

    public static string RowKeyFor(int index) => $"{RowKeyPrefix}{index:D4}";
}
