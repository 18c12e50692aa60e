namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>The health gate's verdict on one workspace.</summary>
public sealed record RolloutHealth(string WorkspaceId, bool Healthy, string? Reason);
