using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// Where the sandbox is impossible (here: bubblewrap is missing, set with CODER_BWRAP), a workspace still starts, and the
/// API and its timeline say <c>isolation: none</c> and why. Its agent still holds nothing but its own token.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class UnisolatedWorkspaceTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString, extraEnvironment: new Dictionary<string, string> { ["CODER_BWRAP"] = "/nonexistent/bwrap" });

    public Task InitializeAsync() => HostStart.StartOrDisposeAsync(_host);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task WithoutBubblewrap_TheWorkspaceRuns_AndGetAndTimelineSayIsolationNoneAndWhy()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("bare"));
        string id = await api.CreateWorkspaceAsync("dev", "bare");
        var running = await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));

        Assert.Equal("none", (string?)running["isolation"]);
        string reason = (string?)running["isolationReason"] ?? "";
        Assert.Contains(Environment.UserName == "root" ? "bubblewrap was not found (/nonexistent/bwrap" : "does not run as root", reason, StringComparison.Ordinal);

        var events = (await api.GetAsync($"/api/workspaces/{id}/events")).Json["items"]!.AsArray();
        var starting = events.Single(e => (string?)e!["kind"] == "provision.agent-starting")!;
        Assert.Equal("isolation_none", (string?)starting["reason"]);
        Assert.Contains("Isolation: none. " + reason, (string?)starting["message"], StringComparison.Ordinal);

        // Unisolated, the agent still got only its own token and address: http transport, no storage connection string.
        var agent = Assert.Single(AgentProcesses.Under(_host.DataDirectory, id));
        Assert.Equal("http", SecurityHost.AgentEnvironment(agent.Pid, "CODER_AGENT_TRANSPORT"));
        Assert.Null(SecurityHost.AgentEnvironment(agent.Pid, "CODER_AGENT_QUEUE_CONNECTION"));
        Assert.Null(SecurityHost.AgentEnvironment(agent.Pid, "CODER_STORAGE"));
        Assert.Null(SecurityHost.AgentEnvironment(agent.Pid, "CODER_ADMIN_TOKEN"));
    }
}
