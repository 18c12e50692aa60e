using Coder.Contracts.Upgrades;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="Rollback">Claim to move an upgraded workspace back to its old version.</param>
public sealed record RolloutClaimInput(string RolloutId, RolloutTarget Target, int ToVersion, UpgradeStrategy Strategy, bool Rollback);
