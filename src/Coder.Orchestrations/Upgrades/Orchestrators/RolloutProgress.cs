namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>What the rollout orchestrator records: header fields, one batch, and some workspaces. Null leaves a field as it is.</summary>
public sealed record RolloutProgress(
    string RolloutId,
    DateTimeOffset At,
    string? Status = null,
    string? Reason = null,
    bool Ended = false,
    string? OrchestrationVersion = null,
    RolloutBatchRecord? Batch = null,
    IReadOnlyList<RolloutWorkspaceRecord>? Workspaces = null);
