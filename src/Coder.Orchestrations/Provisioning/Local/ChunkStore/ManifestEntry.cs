namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>One path of a snapshot. <paramref name="Type"/> is <c>file</c>, <c>dir</c> or <c>symlink</c>; <paramref name="Mode"/> the Unix permission bits.</summary>
/// <param name="Identity">A file's identity when it was captured, so the next snapshot can reuse its chunks without reading it; absent in format 1.</param>
public sealed record ManifestEntry(string Path, string Type, int Mode, long Size, long ModifiedUnixMs, string? Target, IReadOnlyList<ChunkRef>? Chunks, FileIdentity? Identity = null);
