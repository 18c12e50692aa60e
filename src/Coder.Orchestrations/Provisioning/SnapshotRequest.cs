namespace Coder.Orchestrations.Provisioning;

public sealed record SnapshotRequest(string SnapshotId, string? ParentSnapshotId, string? Label);
