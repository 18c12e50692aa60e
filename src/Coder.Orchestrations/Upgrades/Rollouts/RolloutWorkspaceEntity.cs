using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Upgrades.Rollouts;

/// <summary>One workspace of a rollout: PK = rollout id, RK = <c>w|{workspace id}</c>.</summary>
public sealed class RolloutWorkspaceEntity : ITableEntity
{
    public const string RowKeyPrefix = "w|";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string WorkspaceId { get; set; } = "";
    public string Owner { get; set; } = "";
    public int FromVersion { get; set; }
    public int ToVersion { get; set; }
    public string Status { get; set; } = "pending";
    public int? Batch { get; set; }
    public int Attempts { get; set; }
    public string? OperationId { get; set; }
    public string? OrchestrationVersion { get; set; }
    public string? Reason { get; set; }
    public bool UpgradeFailed { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static string RowKeyFor(string workspaceId) => RowKeyPrefix + workspaceId;
}
