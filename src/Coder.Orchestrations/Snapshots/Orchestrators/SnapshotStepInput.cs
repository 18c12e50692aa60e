namespace Coder.Orchestrations.Snapshots.Orchestrators;

/// <summary>Input of the snapshot activities: which workspace, which snapshot, and (for hooks) which hook.</summary>
public sealed record SnapshotStepInput(string WorkspaceId, string Owner, string SnapshotId, string? Hook = null, string? Error = null);
