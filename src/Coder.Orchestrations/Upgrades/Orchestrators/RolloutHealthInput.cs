namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="Since">Start of the bake window: agent restarts after it count against the gate.</param>
public sealed record RolloutHealthInput(IReadOnlyList<RolloutTarget> Targets, DateTimeOffset Since);
