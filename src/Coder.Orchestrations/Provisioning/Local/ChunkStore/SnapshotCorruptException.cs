namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>Stored snapshot data does not match its hashes (a flipped byte, a truncated blob, a missing chunk). Never retried.</summary>
public sealed class SnapshotCorruptException(string message) : Exception(message);
