namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>A capture met a garbage-collection pass in progress; the caller retries later.</summary>
public sealed class SnapshotStoreBusyException(string message) : Exception(message);
