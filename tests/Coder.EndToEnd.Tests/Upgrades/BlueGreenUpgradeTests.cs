using System.Diagnostics;
using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Upgrades;

/// <summary>Blue-green upgrades end to end on the local host: two real instances of the workspace, real agents, the real durable engine.</summary>
[Collection(ThirdStorageCollection.Name)]
public sealed class BlueGreenUpgradeTests(TestStorage storage) : IAsyncLifetime
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    // A short grace and a quick reconciler, so the test sees blue destroyed; heartbeats every second, so "fresh" is a tight bound.
    readonly LocalHostProcess _host = new(storage.ConnectionString, extraEnvironment: new Dictionary<string, string>
    {
        ["Coder__Upgrades__BlueGraceSeconds"] = "5",
        ["CODER_RECONCILE_SCHEDULE"] = "*/2 * * * * *",
    });

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    string WorkspacesFolder => Path.Combine(_host.DataDirectory, "workspaces");

    [Fact]
    public async Task BlueGreen_BlueServesWhileGreenComesUp_ThenGreenRunsV2_AndBlueIsDestroyedAfterItsGrace()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("bluegreen", "echo v1 > v1.txt", heartbeatSeconds: 1));
        string id = await api.CreateWorkspaceAsync("dev", "bluegreen");
        await api.WaitForReadyAsync(id, Deadline);
        string blueFolder = Path.Combine(WorkspacesFolder, id);
        await File.WriteAllTextAsync(Path.Combine(blueFolder, "work.txt"), "my work on v1");
        int bluePid = Assert.Single(AgentsIn(blueFolder));

        // Green's ready gate takes a few seconds, so there is a window in which both run.
        int v2 = await api.AddActiveVersionAsync("bluegreen", UpgradeKit.Version("sleep 3; echo v2 > v2.txt", heartbeatSeconds: 1));
        var accepted = await api.PostAsync($"/api/workspaces/{id}/upgrade", """{"strategy":"blue-green"}""");
        Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.ToString());
        string statusUrl = (string)accepted.Json["operation"]!["statusUrl"]!;

        // Until the switch, the workspace is blue: its agent stays ready, its heartbeats fresh, its process alive.
        int pollsWithGreenUp = 0;
        var deadline = Stopwatch.StartNew();
        using var observe = new PeriodicTimer(TimeSpan.FromMilliseconds(200)); // how often blue is observed, not a wait for a result
        while (await observe.WaitForNextTickAsync())
        {
            Assert.True(deadline.Elapsed < Deadline, "the switch did not happen in time");
            var w = (await api.GetAsync($"/api/workspaces/{id}")).Json;
            if ((int)w["templateVersion"]! != 1) break;
            Assert.Equal("ready", (string?)w["agent"]!["lifecycle"]);
            var heartbeatAge = DateTimeOffset.UtcNow - DateTimeOffset.Parse((string)w["agent"]!["lastHeartbeatAt"]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(heartbeatAge < TimeSpan.FromSeconds(6), $"blue's heartbeat went stale before the switch ({heartbeatAge.TotalSeconds:F1} s)");
            Assert.Contains(bluePid, AgentsIn(blueFolder));
            if (GreenFolders(id).Any(f => AgentsIn(f).Count > 0)) pollsWithGreenUp++;
        }

        var op = await api.WaitForOperationAsync(statusUrl, Deadline);
        Assert.True((string?)op["status"] == "succeeded", op.ToJsonString());
        Assert.True(pollsWithGreenUp > 0, "green never ran beside blue");

        var after = await api.WaitForReadyAsync(id, Deadline);
        Assert.Equal(v2, (int)after["templateVersion"]!);
        string greenFolder = Assert.Single(GreenFolders(id));
        Assert.Equal("v2", (await File.ReadAllTextAsync(Path.Combine(greenFolder, "v2.txt"))).Trim());
        Assert.Equal("my work on v1", (await File.ReadAllTextAsync(Path.Combine(greenFolder, "work.txt"))).Trim());
        Assert.Single(AgentsIn(greenFolder));
        Assert.Empty(AgentsIn(blueFolder));

        // Newest first: green was ready before the switch, blue never went through an in-place stop.
        var kinds = await api.EventKindsAsync(id);
        int ready = kinds.IndexOf("upgrade.green-ready"), switched = kinds.IndexOf("upgrade.switched"), succeeded = kinds.IndexOf("upgrade.succeeded");
        Assert.True(ready >= 0 && switched >= 0 && succeeded >= 0 && succeeded < switched && switched < ready, string.Join(", ", kinds));
        Assert.DoesNotContain("upgrade.stopping", kinds);

        // Blue stays stopped for its grace period, then the reconciler destroys it.
        Assert.True(Directory.Exists(blueFolder) || (await api.EventKindsAsync(id)).Contains("reconcile.destroy_retired_instance"), "blue went before its grace period");
        await Eventually.WaitAsync(() => Task.FromResult(Directory.Exists(blueFolder)), exists => !exists, Deadline, "blue to be destroyed after its grace period");
        Assert.Contains("reconcile.destroy_retired_instance", await api.EventKindsAsync(id));

        // Green is the workspace now: a stop and a start act on it and keep its content.
        var stop = await api.PostAsync($"/api/workspaces/{id}/stop", "");
        Assert.Equal("succeeded", (string?)(await api.WaitForOperationAsync((string)stop.Json["operation"]!["statusUrl"]!, Deadline))["status"]);
        Assert.Empty(AgentsIn(greenFolder));
        var start = await api.PostAsync($"/api/workspaces/{id}/start", "");
        Assert.Equal("succeeded", (string?)(await api.WaitForOperationAsync((string)start.Json["operation"]!["statusUrl"]!, Deadline))["status"]);
        Assert.Single(AgentsIn(greenFolder));
        Assert.Equal("my work on v1", (await File.ReadAllTextAsync(Path.Combine(greenFolder, "work.txt"))).Trim());
    }

    [Fact]
    public async Task FailingGreen_IsDestroyed_AndBlueIsUntouched()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("badgreen", "echo v1 > v1.txt", heartbeatSeconds: 1));
        string id = await api.CreateWorkspaceAsync("dev", "badgreen");
        var before = await api.WaitForReadyAsync(id, Deadline);
        string blueFolder = Path.Combine(WorkspacesFolder, id);
        int bluePid = Assert.Single(AgentsIn(blueFolder));
        string blueToken = UpgradeKit.AgentToken(_host.DataDirectory, id);

        await api.AddActiveVersionAsync("badgreen", UpgradeKit.Version("echo broken > v1.txt; exit 3", heartbeatSeconds: 1));
        var accepted = await api.PostAsync($"/api/workspaces/{id}/upgrade", """{"strategy":"blue-green"}""");
        Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.ToString());
        var op = await api.WaitForOperationAsync((string)accepted.Json["operation"]!["statusUrl"]!, Deadline);
        Assert.Equal("failed", (string?)op["status"]);
        Assert.Contains("blue kept running v1", (string?)op["error"]);

        var after = await api.WaitForReadyAsync(id, Deadline);
        Assert.Equal(1, (int)after["templateVersion"]!);
        Assert.True((bool)after["outdated"]!);
        Assert.Equal(bluePid, Assert.Single(AgentsIn(blueFolder)));
        Assert.Equal("v1", (await File.ReadAllTextAsync(Path.Combine(blueFolder, "v1.txt"))).Trim());
        Assert.Equal(HttpStatusCode.OK, await UpgradeKit.ManifestStatusAsync(_host.BaseUrl, blueToken));
        Assert.Empty(GreenFolders(id));
        Assert.True(DateTimeOffset.Parse((string)after["agent"]!["lastHeartbeatAt"]!, System.Globalization.CultureInfo.InvariantCulture)
            >= DateTimeOffset.Parse((string)before["agent"]!["lastHeartbeatAt"]!, System.Globalization.CultureInfo.InvariantCulture));

        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        Assert.Contains(events, e => (string?)e!["kind"] == "upgrade.failed" && (string?)e["reason"] == "agent_start_error");
        Assert.DoesNotContain(events, e => (string?)e!["kind"] is "upgrade.stopping" or "upgrade.switched");
    }

    IEnumerable<string> GreenFolders(string id) =>
        Directory.Exists(WorkspacesFolder) ? Directory.GetDirectories(WorkspacesFolder, id + "~*") : [];

    static List<int> AgentsIn(string folder) => AgentProcesses.InFolder(folder);
}
