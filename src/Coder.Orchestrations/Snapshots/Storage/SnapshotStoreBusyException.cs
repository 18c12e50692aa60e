namespace Coder.Orchestrations.Snapshots.Storage;

/// <summary>A capture met a garbage-collection pass in progress; the caller retries later.</summary>
public sealed class SnapshotStoreBusyException(string message) : Exception(message);
