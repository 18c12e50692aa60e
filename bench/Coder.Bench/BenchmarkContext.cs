namespace Coder.Bench;

/// <summary>What scenarios share: the repository root, a scratch folder, and a storage connection string when one was started.</summary>
public sealed record BenchmarkContext(string RepoRoot, string ScratchDirectory, string? StorageConnectionString, bool Quick)
{
    /// <summary>The command line, for scenarios with options of their own (<c>fleet --workspaces 4000</c>).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The commit measured, for scenarios that write results files of their own.</summary>
    public string Commit { get; init; } = "unknown";

    /// <summary>What the storage is (Azurite on disk or in memory, or CODER_STORAGE), for the results files.</summary>
    public string Storage { get; init; } = "Azurite, on disk";
}
