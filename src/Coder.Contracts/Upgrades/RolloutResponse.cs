namespace Coder.Contracts.Upgrades;

/// <summary><c>GET /api/rollouts/{id}</c>: progress per batch and per workspace.</summary>
public sealed record RolloutResponse
{
    public required string Id { get; init; }
    public required string Template { get; init; }
    public required int Version { get; init; }
    public required string Status { get; init; }
    public required string Strategy { get; init; }
    public required UpgradeStrategy UpgradeStrategy { get; init; }
    public required double CanaryPercent { get; init; }
    public required int BatchSize { get; init; }
    public required double BakeMinutes { get; init; }
    public required double MaxFailedPercent { get; init; }
    public required int Total { get; init; }
    public required int Upgraded { get; init; }
    public required int Failed { get; init; }
    public required int RolledBack { get; init; }
    public required double FailedPercent { get; init; }
    public string? Reason { get; init; }

    /// <summary>The orchestration version the rollout itself runs under (it keeps it for life).</summary>
    public string? OrchestrationVersion { get; init; }
    public required IReadOnlyList<RolloutBatchView> Batches { get; init; }
    public required IReadOnlyList<RolloutWorkspaceView> Workspaces { get; init; }
    public required string Actor { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
}
