namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>Tuning of the local snapshot store (<c>Coder:Snapshots</c>).</summary>
public sealed class SnapshotStoreOptions
{
    public const string Section = "Coder:Snapshots";

    /// <summary>Files read, chunked and uploaded at once; I/O-bound, so above the core count.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>Chunks compressed and uploaded, or downloaded and verified on restore, at once.</summary>
    public int UploadsInFlight { get; set; } = 16;

    /// <summary>Top-level names that belong to the platform, not the workspace: never captured, kept across a restore.</summary>
    public IReadOnlyList<string> ExcludedNames { get; set; } = [".coder-agent"];

    /// <summary>A capture or collection marker older than this is from a crashed process and is ignored.</summary>
    public int MarkerStaleMinutes { get; set; } = 60;

    /// <summary>How long the pre- and post-snapshot hooks may run.</summary>
    public int HookTimeoutSeconds { get; set; } = 30;
}
