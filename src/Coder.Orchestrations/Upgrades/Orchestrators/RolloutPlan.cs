namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>The outdated workspaces in a stable order, and the tuning the orchestrator needs (it reads no configuration itself).</summary>
public sealed record RolloutPlan(IReadOnlyList<RolloutTarget> Targets, int BusyRetrySeconds, int MaxBusyRounds);
