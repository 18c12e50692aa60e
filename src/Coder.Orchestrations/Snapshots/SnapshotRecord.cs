namespace Coder.Orchestrations.Snapshots;

/// <summary>What retention needs to know about a snapshot.</summary>
public sealed record SnapshotRecord(string Id, string WorkspaceId, string? ParentId, DateTimeOffset CreatedAt, string Status);
