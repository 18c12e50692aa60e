namespace Coder.Orchestrations.Reconciliation;

/// <summary>One decision of the planner, with the reason and the sentence the timeline shows.</summary>
/// <param name="Owner">The workspace's owner partition; null for an orphan with no workspace row.</param>
/// <param name="SnapshotId">For <see cref="ReconcileActionKind.Reprovision"/>: the latest snapshot to restore from, when one exists.</param>
/// <param name="Instance">For <see cref="ReconcileActionKind.DestroyOrphan"/>: which compute instance of the workspace.</param>
/// <param name="Source">For schedule decisions: what set the time acted on (<c>autostart</c>, <c>autostop</c>, <c>user:…</c>, <c>session:…</c>).</param>
/// <param name="At">For <see cref="ReconcileActionKind.ExtendDeadline"/> the new deadline; for an autostart or a reschedule the next occurrence.</param>
/// <param name="OperationId">For <see cref="ReconcileActionKind.FailHungOperation"/>: the hung operation.</param>
public sealed record ReconcileAction(
    ReconcileActionKind Kind,
    string WorkspaceId,
    string? Owner,
    string Provisioner,
    string Reason,
    string Message,
    string? SnapshotId = null,
    string? OperationId = null,
    string? Instance = null,
    string? Source = null,
    DateTimeOffset? At = null);
