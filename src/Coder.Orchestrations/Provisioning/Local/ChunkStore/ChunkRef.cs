namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <param name="Hash">SHA-256 of the uncompressed content, lower-case hex; also the chunk's blob name.</param>
public sealed record ChunkRef(string Hash, int Length);
