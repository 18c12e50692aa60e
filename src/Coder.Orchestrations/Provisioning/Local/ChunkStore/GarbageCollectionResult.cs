namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <param name="SkippedReason">Why the pass stood down (a capture in progress), or null when it ran.</param>
public sealed record GarbageCollectionResult(int Manifests, int ReferencedChunks, int DeletedChunks, long DeletedBytes, string? SkippedReason);
