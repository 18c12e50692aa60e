namespace Coder.Orchestrations.Provisioning.Local;

public sealed class LocalProvisionerOptions
{
    public const string Section = "Coder:Local";

    /// <summary>The data folder (CODER_DATA_DIR); workspaces live in its <c>workspaces/</c> folder.</summary>
    public string DataDirectory { get; set; } = ".coder";

    /// <summary>The agent: a native binary (the AOT build) or a <c>.dll</c> run with <c>dotnet</c>. When unset, the self-contained build next to the local host (<c>agent/linux-x64/coder-agent</c>).</summary>
    public string? AgentPath { get; set; }

    /// <summary>
    /// bubblewrap (CODER_BWRAP), which sandboxes each workspace when the host runs as root; found on PATH when unset. Where
    /// it is missing, workspaces still start, with <c>isolation: none</c> and the reason.
    /// </summary>
    public string? BubblewrapPath { get; set; }

    /// <summary>How long a stopping agent gets to run its shutdown scripts before it is killed.</summary>
    public int StopTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Host folders (CODER_LOCAL_REPOSITORY_ROOTS, separated by ':') that sandboxed workspaces see read-only, so templates can
    /// clone <c>file://</c> repositories kept there. Nothing else of the host is visible to a sandbox; unset, none is.
    /// </summary>
    public string? RepositoryRoots { get; set; }

    /// <summary>
    /// <see cref="RepositoryRoots"/> as full paths of folders that exist, less any that holds the data folder or lies in it
    /// (that would show workspaces the admin token, Azurite's files and each other).
    /// </summary>
    public IReadOnlyList<string> RepositoryRootFolders()
    {
        string data = Path.GetFullPath(DataDirectory).TrimEnd('/') + "/";
        return (RepositoryRoots ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(Path.IsPathRooted).Select(p => Path.GetFullPath(p).TrimEnd('/') + "/")
            .Where(p => !data.StartsWith(p, StringComparison.Ordinal) && !p.StartsWith(data, StringComparison.Ordinal))
            .Select(p => p.TrimEnd('/')).Where(Directory.Exists).ToList();
    }
}
