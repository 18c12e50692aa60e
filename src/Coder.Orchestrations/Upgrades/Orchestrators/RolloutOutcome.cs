namespace Coder.Orchestrations.Upgrades.Orchestrators;

public sealed record RolloutOutcome(string Status, int Upgraded, int Failed, int RolledBack, string? Reason);
