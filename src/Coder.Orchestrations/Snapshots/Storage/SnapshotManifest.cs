namespace Coder.Orchestrations.Snapshots.Storage;

/// <summary>What a snapshot holds: every path with its type, mode, size, link target and chunk list, sorted by path.</summary>
public sealed record SnapshotManifest(int FormatVersion, string SnapshotId, string? ParentSnapshotId, DateTimeOffset CreatedAt, long SizeBytes, IReadOnlyList<ManifestEntry> Entries)
{
    public const int CurrentFormat = 1;
}
