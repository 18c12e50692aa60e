namespace Coder.Orchestrations.Snapshots;

/// <summary>What retention needs to know about a snapshot.</summary>
public sealed record SnapshotRecord(string Id, string WorkspaceId, string? ParentId, DateTimeOffset CreatedAt, string Status)
{
    /// <summary>Whether <see cref="Status"/> is one of <paramref name="statuses"/> (compared by wire name).</summary>
    public bool IsIn(params ReadOnlySpan<Contracts.Snapshots.SnapshotStatus> statuses) => Common.WireNames.IsAny(Status, statuses);
}
