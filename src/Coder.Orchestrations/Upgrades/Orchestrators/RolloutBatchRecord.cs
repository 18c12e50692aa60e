namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>A batch as the orchestrator sees it; recorded whole.</summary>
public sealed record RolloutBatchRecord(
    int Index,
    string Kind,
    IReadOnlyList<string> Workspaces,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? BakeStartedAt = null,
    DateTimeOffset? BakeEndedAt = null,
    DateTimeOffset? EndedAt = null,
    int Upgraded = 0,
    int Failed = 0,
    string? Reason = null);
