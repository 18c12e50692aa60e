namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="Upgrade">Set when the workspace was claimed: the upgrade to run (its operation id is the instance id).</param>
/// <param name="Busy">Another operation runs on it: try again later.</param>
/// <param name="Reason">Why it is busy or skipped.</param>
public sealed record RolloutClaimResult(UpgradeInput? Upgrade, bool Busy, string? Reason);
