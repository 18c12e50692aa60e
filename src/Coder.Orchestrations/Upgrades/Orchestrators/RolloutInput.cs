using Coder.Contracts.Upgrades;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>The rollout orchestration's input; <see cref="RolloutId"/> is also its instance id.</summary>
public sealed record RolloutInput(string RolloutId, string Template, int Version, double CanaryPercent, int BatchSize, double BakeMinutes, double MaxFailedPercent, UpgradeStrategy UpgradeStrategy, string Actor);
