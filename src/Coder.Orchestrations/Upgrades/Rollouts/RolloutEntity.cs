using Azure;
using Azure.Data.Tables;

namespace Coder.Orchestrations.Upgrades.Rollouts;

/// <summary>A rollout's header: PK = rollout id, RK = <see cref="RowKeyValue"/>. Its batches and workspaces share the partition.</summary>
public sealed class RolloutEntity : ITableEntity
{
    public const string RowKeyValue = "rollout";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = RowKeyValue;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Template { get; set; } = "";
    public int Version { get; set; }
    public string Status { get; set; } = "pending";
    public string Strategy { get; set; } = "canary";
    public string UpgradeStrategy { get; set; } = "in-place";
    public double CanaryPercent { get; set; }
    public int BatchSize { get; set; }
    public double BakeMinutes { get; set; }
    public double MaxFailedPercent { get; set; }
    public string? Reason { get; set; }
    public string? OrchestrationVersion { get; set; }
    public bool Planned { get; set; }
    public string Actor { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}
