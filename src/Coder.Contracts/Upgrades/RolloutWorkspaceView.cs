namespace Coder.Contracts.Upgrades;

/// <param name="Status"><c>pending</c>, <c>busy</c>, <c>upgrading</c>, <c>upgraded</c>, <c>failed</c>, <c>rolled_back</c> or <c>skipped</c>.</param>
/// <param name="Attempts">How many times the rollout tried to claim it (busy workspaces are tried again later).</param>
/// <param name="OrchestrationVersion">The orchestration version of its last upgrade operation.</param>
public sealed record RolloutWorkspaceView(
    string Id,
    int FromVersion,
    int ToVersion,
    string Status,
    int? Batch,
    int Attempts,
    string? OperationId,
    string? OrchestrationVersion,
    string? Reason,
    DateTimeOffset UpdatedAt);
