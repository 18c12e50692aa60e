namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>A workspace a rollout moves from <see cref="FromVersion"/> to the rollout's version.</summary>
public sealed record RolloutTarget(string WorkspaceId, string Owner, int FromVersion);
