namespace Coder.Contracts.Snapshots;

/// <summary>
/// One node of the snapshot tree. <see cref="WorkspaceId"/> (an extension) names the workspace it was taken of, so a
/// branch's list can show ancestors taken of the workspace it branched from.
/// </summary>
public sealed record SnapshotView
{
    public required string Id { get; init; }
    public string? ParentId { get; init; }
    public string? Label { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public long? SizeBytes { get; init; }
    public string? Sha256 { get; init; }
    public SnapshotStatus Status { get; init; }
    public required string WorkspaceId { get; init; }

    /// <summary>Extension: why it was taken (<c>manual</c>, <c>scheduled</c>, <c>pre-restore</c>).</summary>
    public string? Trigger { get; init; }

    /// <summary>Extension: why a failed snapshot failed.</summary>
    public string? Error { get; init; }
}
