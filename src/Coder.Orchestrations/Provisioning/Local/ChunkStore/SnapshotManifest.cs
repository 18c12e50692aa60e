namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>What a snapshot holds: every path with its type, mode, size, link target and chunk list, sorted by path.</summary>
/// <param name="StartedAt">When the capture began walking the tree; a file untouched since well before it can be reused by the next snapshot. Absent in format 1.</param>
public sealed record SnapshotManifest(int FormatVersion, string SnapshotId, string? ParentSnapshotId, DateTimeOffset CreatedAt, long SizeBytes, IReadOnlyList<ManifestEntry> Entries, DateTimeOffset? StartedAt = null)
{
    /// <summary>2 adds file identities and the start time; format 1 manifests still read (their files are read again).</summary>
    public const int CurrentFormat = 2;
}
