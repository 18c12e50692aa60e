namespace Coder.Contracts.Upgrades;

/// <summary>202 body of a new rollout, and of pause, resume and abort.</summary>
public sealed record RolloutAccepted(string Id, string StatusUrl, string? Action = null);
