namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>
/// What says a file is the same file with the same content as when it was captured, without reading it: inode, size,
/// and modification and status-change times in nanoseconds (any write or chmod moves the change time).
/// </summary>
public sealed record FileIdentity(ulong Inode, long Size, long ModifiedNs, long ChangedNs);
