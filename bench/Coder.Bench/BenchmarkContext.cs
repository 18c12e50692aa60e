namespace Coder.Bench;

/// <summary>What scenarios share: the repository root, a scratch folder, and a storage connection string when one was started.</summary>
public sealed record BenchmarkContext(string RepoRoot, string ScratchDirectory, string? StorageConnectionString, bool Quick);
