using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Workspaces;

/// <summary>The control plane is killed mid-provision and started again on the same storage: the durable engine finishes the work once.</summary>
[Collection(ThirdStorageCollection.Name)]
public sealed class CrashRecoveryTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task LocalHostKilledMidProvision_WorkspaceRunsWithOneAgentAndOneProvision()
    {
        using var api = _host.Admin();

        // The startup script holds ready back for a few seconds, so the host dies while the provision is in flight.
        await api.CreateTemplateAsync(Templates.Local("slow", "sleep 4; echo done > ready.txt"));
        string id = await api.CreateWorkspaceAsync("dev", "slow");
        await Eventually.WaitAsync(() => AgentProcesses.Under(_host.DataDirectory, id).Count == 1, TimeSpan.FromSeconds(30), "the agent process to start");
        var before = await api.GetAsync($"/api/workspaces/{id}");
        Assert.NotEqual("running", (string?)before.Json["status"]);

        await _host.KillAsync();
        await _host.StartAsync();

        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(120));
        Assert.Single(AgentProcesses.Under(_host.DataDirectory, id));
        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
        Assert.Equal(1, events.Count(k => k == "provision.started"));
        Assert.Equal(1, events.Count(k => k == "provision.succeeded"));
        Assert.DoesNotContain("provision.failed", events);
    }
}
