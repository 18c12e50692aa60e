using Coder.Contracts.Upgrades;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Upgrades.Rollouts;

public static class RolloutMapper
{
    public static string StatusUrl(string rolloutId) => $"/api/rollouts/{rolloutId}";

    public static RolloutResponse ToResponse(RolloutEntity h, IReadOnlyList<RolloutBatchEntity> batches, IReadOnlyList<RolloutWorkspaceEntity> workspaces)
    {
        int upgraded = workspaces.Count(w => w.Status == RolloutStates.Upgraded);
        int rolledBack = workspaces.Count(w => w.Status == RolloutStates.RolledBack);
        int failed = workspaces.Count(w => w.UpgradeFailed || w.Status == RolloutStates.Failed);
        int attempted = upgraded + failed;
        return new RolloutResponse
        {
            Id = h.PartitionKey,
            Template = h.Template,
            Version = h.Version,
            Status = h.Status,
            Strategy = h.Strategy,
            UpgradeStrategy = WireNames.TryParse<UpgradeStrategy>(h.UpgradeStrategy, out var s) ? s : UpgradeStrategy.InPlace,
            CanaryPercent = h.CanaryPercent,
            BatchSize = h.BatchSize,
            BakeMinutes = h.BakeMinutes,
            MaxFailedPercent = h.MaxFailedPercent,
            Total = workspaces.Count,
            Upgraded = upgraded,
            Failed = failed,
            RolledBack = rolledBack,
            FailedPercent = RolloutPolicy.FailedPercent(failed, attempted),
            Reason = h.Reason,
            OrchestrationVersion = h.OrchestrationVersion,
            Batches = batches.OrderBy(b => b.Index).Select(b => new RolloutBatchView(
                b.Index, b.Kind, Json.Deserialize<List<string>>(b.Workspaces) ?? [], b.Status, b.StartedAt, b.BakeStartedAt, b.BakeEndedAt, b.EndedAt, b.Upgraded, b.Failed, b.Reason)).ToList(),
            Workspaces = workspaces.OrderBy(w => w.WorkspaceId, StringComparer.Ordinal).Select(w => new RolloutWorkspaceView(
                w.WorkspaceId, w.FromVersion, w.ToVersion, w.Status, w.Batch, w.Attempts, w.OperationId, w.OrchestrationVersion, w.Reason, w.UpdatedAt)).ToList(),
            Actor = h.Actor,
            CreatedAt = h.CreatedAt,
            UpdatedAt = h.UpdatedAt,
            EndedAt = h.EndedAt,
        };
    }
}
