namespace Coder.Agent.Tests.Infrastructure;

/// <summary>The environment a provisioner gives an agent (see <c>AgentBootstrap</c>), for one test agent.</summary>
public sealed record AgentOptions(
    string WorkspaceId,
    string AgentId,
    string Token,
    string ControlPlaneUrl,
    string WorkspaceDirectory,
    string StateDirectory,
    string? QueueConnectionString,
    string? QueueName,
    string Transport = "storage-queue")
{
    /// <summary>The build test agents belong to (the control-plane tests' ingest harness issues its token for it).</summary>
    public const string Build = "b-0001";

    /// <summary>
    /// A fresh workspace and state folder under the temp folder. The agent id is the one a provisioner gives replica 0 of
    /// <see cref="Build"/> (<c>{workspace}-{build}-r{replica}</c>, the control plane's <c>AgentIds.For</c>).
    /// </summary>
    public static AgentOptions ForNewWorkspace(string workspaceId, string token, string controlPlaneUrl, string? queueConnectionString, string? queueName)
    {
        string root = Path.Combine(Path.GetTempPath(), "coder-agent-test-" + Guid.NewGuid().ToString("N")[..8]);
        return new AgentOptions(workspaceId, $"{workspaceId}-{Build}-r0", token, controlPlaneUrl, Path.Combine(root, "workspace"),
            Path.Combine(root, "state"), queueConnectionString, queueName);
    }

    /// <summary>Lines in the outbox log (events not yet compacted away).</summary>
    public int OutboxLines() =>
        File.Exists(Path.Combine(StateDirectory, "outbox.jsonl")) ? ReadShared(Path.Combine(StateDirectory, "outbox.jsonl")).Count(l => l.Length > 0) : 0;

    public void DeleteFolders()
    {
        try { Directory.Delete(Path.GetDirectoryName(WorkspaceDirectory)!, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static List<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
