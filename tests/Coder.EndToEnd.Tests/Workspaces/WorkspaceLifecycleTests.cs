using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Workspaces;

/// <summary>The walking skeleton, end to end: the local host on Azurite, the real durable engine, a real agent process.</summary>
[Collection(ThirdStorageCollection.Name)]
public sealed class WorkspaceLifecycleTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateWorkspace_RunsRealAgentAndScript_ThenDeleteRemovesEverything()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("skeleton", "echo hello from the startup script > hello.txt"));

        var created = await api.PostAsync("/api/workspaces", """{"name":"dev","template":"skeleton"}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string id = created.Json["id"]!.GetValue<string>();
        Assert.Equal($"/api/workspaces/{id}", created.Headers["Location"]);
        Assert.Equal("pending", (string?)created.Json["status"]);
        Assert.Equal("provision", (string?)created.Json["operation"]!["kind"]);

        var running = await Eventually.WaitAsync(
            () => api.GetAsync($"/api/workspaces/{id}"),
            r => (string?)r.Json["status"] == "running" && (string?)r.Json["agent"]!["lifecycle"] == "ready" && r.Json["agent"]!["lastHeartbeatAt"] is not null,
            TimeSpan.FromSeconds(30), "the workspace to be running with a ready agent");
        var lastHeartbeat = running.Json["agent"]!["lastHeartbeatAt"]!.GetValue<DateTimeOffset>();
        Assert.True(DateTimeOffset.UtcNow - lastHeartbeat < TimeSpan.FromSeconds(15), $"last heartbeat {lastHeartbeat:O} is too old");
        Assert.True(running.Headers.ContainsKey("ETag"));

        var agents = AgentProcesses.Under(_host.DataDirectory, id);
        var agent = Assert.Single(agents);
        Assert.True(AgentProcesses.IsAlive(agent.Pid));
        string folder = Path.Combine(_host.DataDirectory, "workspaces", id);
        Assert.Equal("hello from the startup script", (await File.ReadAllTextAsync(Path.Combine(folder, "hello.txt"))).Trim());

        var deleted = await api.DeleteAsync($"/api/workspaces/{id}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.Status);
        Assert.Equal("delete", (string?)deleted.Json["operation"]!["kind"]);
        await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"), r => r.Status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(30), "GET to answer 404 after delete");
        Assert.False(AgentProcesses.IsAlive(agent.Pid), "the agent process survived the delete");
        Assert.False(Directory.Exists(folder), "the workspace folder survived the delete");

        // The row goes before the operation records its end (its last step), so the 404 can come first.
        await Eventually.WaitAsync(() => api.GetAsync(deleted.Json["operation"]!["statusUrl"]!.GetValue<string>()),
            r => (string?)r.Json["status"] is "succeeded" or "failed", TimeSpan.FromSeconds(30), "the delete operation to end");
        var op = await api.GetAsync(deleted.Json["operation"]!["statusUrl"]!.GetValue<string>());
        Assert.Equal("succeeded", (string?)op.Json["status"]);
    }

    [Fact]
    public async Task StopThenStart_StopsTheAgentAndStartsANewBuild()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("stopstart"));
        string id = await api.CreateWorkspaceAsync("dev", "stopstart");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));
        int firstPid = Assert.Single(AgentProcesses.Under(_host.DataDirectory, id)).Pid;

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/workspaces/{id}/stop", "")).Status);
        var stopped = await api.WaitForStatusAsync(id, "stopped", TimeSpan.FromSeconds(30));
        Assert.Equal("off", (string?)stopped["agent"]!["lifecycle"]);
        Assert.Empty(AgentProcesses.Under(_host.DataDirectory, id));

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/workspaces/{id}/start", "")).Status);
        var started = await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));
        Assert.Equal("ready", (string?)started["agent"]!["lifecycle"]);
        int secondPid = Assert.Single(AgentProcesses.Under(_host.DataDirectory, id)).Pid;
        Assert.NotEqual(firstPid, secondPid);

        var events = (await api.GetAsync($"/api/workspaces/{id}/events")).Json["items"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Contains("stop.succeeded", events);
        Assert.Contains("start.succeeded", events);
        Assert.True(events.IndexOf("start.succeeded") < events.IndexOf("stop.succeeded"), "events must be newest first");
    }

    [Fact]
    public async Task FailingBlockingScript_FailsTheProvisionAndLeavesNothingBehind()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("broken", "echo about to fail; exit 3"));
        string id = await api.CreateWorkspaceAsync("dev", "broken");
        var failed = await api.WaitForStatusAsync(id, "failed", TimeSpan.FromSeconds(45));
        Assert.Contains("startup script", (string?)failed["failureReason"]);
        Assert.Empty(AgentProcesses.Under(_host.DataDirectory, id));
        Assert.False(Directory.Exists(Path.Combine(_host.DataDirectory, "workspaces", id)), "compensation must remove the folder");
        var events = (await api.GetAsync($"/api/workspaces/{id}/events")).Json["items"]!.AsArray();
        Assert.Contains(events, e => (string?)e!["kind"] == "provision.failed" && (string?)e["reason"] == "agent_start_error");
    }
}
