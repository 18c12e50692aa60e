namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="CountAttempt">Adds one to the workspace's attempts (a claim was tried).</param>
/// <param name="UpgradeFailed">Its upgrade or its health gate failed (it stays counted as failed after a rollback).</param>
public sealed record RolloutWorkspaceRecord(string WorkspaceId, string Status, int? Batch = null, string? OperationId = null, string? OrchestrationVersion = null, string? Reason = null, bool CountAttempt = false, bool UpgradeFailed = false);
