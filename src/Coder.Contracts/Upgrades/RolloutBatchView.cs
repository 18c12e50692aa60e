namespace Coder.Contracts.Upgrades;

/// <param name="Kind"><c>canary</c>, <c>batch</c>, or <c>retry</c> (workspaces that were busy earlier).</param>
public sealed record RolloutBatchView(
    int Index,
    string Kind,
    IReadOnlyList<string> Workspaces,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? BakeStartedAt,
    DateTimeOffset? BakeEndedAt,
    DateTimeOffset? EndedAt,
    int Upgraded,
    int Failed,
    string? Reason);
