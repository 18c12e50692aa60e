namespace Coder.Bench;

/// <summary>What scenarios share: the repository root, a scratch folder, and a storage connection string when one was started.</summary>
public sealed record BenchmarkContext(string RepoRoot, string ScratchDirectory, string? StorageConnectionString, bool Quick)
{
    /// <summary>The command line, for scenarios with options of their own (<c>fleet --workspaces 4000</c>).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The commit measured, for scenarios that write results files of their own.</summary>
    public string Commit { get; init; } = "unknown";
}
