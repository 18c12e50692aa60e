using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Upgrades;

/// <summary>
/// A canary rollout over 10 real workspaces, in two runs on the same fleet: a good version goes everywhere in a canary
/// batch and batches of at most 4 with the bake timers observed; then a version that fails on start stops after the
/// canary, both canaries are rolled back, and the other 8 are never touched.
/// </summary>
[Collection(ThirdStorageCollection.Name)]
public sealed class CanaryRolloutTests(TestStorage storage) : IAsyncLifetime
{
    const double BakeMinutes = 0.05;
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CanaryRollout_GoodVersionReachesAll_BadVersionStopsAfterCanaryAndRollsItBack()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("fleet", "true", heartbeatSeconds: 2));
        var ids = await api.CreateRunningAsync("fleet", 10, TimeSpan.FromSeconds(480));
        int v2 = await api.AddActiveVersionAsync("fleet", UpgradeKit.Version("true"));

        // Run 1: a good version.
        string good = await api.StartRolloutAsync("fleet", v2, canaryPercent: 20, batchSize: 4, BakeMinutes, maxFailedPercent: 20);
        var done = await api.WaitForRolloutEndAsync(good, TimeSpan.FromSeconds(600));
        Assert.Equal("succeeded", (string?)done["status"]);
        Assert.Equal(10, (int)done["total"]!);
        Assert.Equal(10, (int)done["upgraded"]!);
        Assert.All(done.Workspaces(), w => Assert.Equal("upgraded", (string?)w["status"]));

        var batches = done.Batches();
        Assert.Equal("canary", (string?)batches[0]!["kind"]);
        Assert.Equal(2, batches[0]!["workspaces"]!.AsArray().Count);
        Assert.All(batches.Skip(1), b => Assert.True(b!["workspaces"]!.AsArray().Count <= 4 && (string?)b["kind"] == "batch"));
        Assert.Equal(10, batches.Sum(b => b!["workspaces"]!.AsArray().Count));
        Assert.Equal(3, batches.Count);
        DateTimeOffset? previousBakeEnd = null;
        foreach (var b in batches)
        {
            Assert.Equal("passed", (string?)b!["status"]);
            var baked = b.Time("bakeEndedAt") - b.Time("bakeStartedAt");
            Assert.True(baked >= TimeSpan.FromMinutes(BakeMinutes) - TimeSpan.FromMilliseconds(50), $"batch {b["index"]} baked only {baked.TotalSeconds} s");
            if (previousBakeEnd is { } end) Assert.True(b.Time("startedAt") >= end, "a batch started before the previous one finished baking");
            previousBakeEnd = b.Time("bakeEndedAt");
        }

        foreach (string id in ids) Assert.Equal(v2, (int)(await api.GetAsync($"/api/workspaces/{id}")).Json["templateVersion"]!);

        // Run 2: a version whose blocking startup script fails.
        var pidsBefore = ids.ToDictionary(id => id, id => Assert.Single(AgentProcesses.Under(_host.DataDirectory, id)).Pid);
        var startedBefore = new Dictionary<string, int>();
        foreach (string id in ids) startedBefore[id] = (await api.EventKindsAsync(id)).Count(k => k == "upgrade.started");
        int v3 = await api.AddActiveVersionAsync("fleet", UpgradeKit.Version("echo broken; exit 7"));
        string bad = await api.StartRolloutAsync("fleet", v3, canaryPercent: 20, batchSize: 4, BakeMinutes, maxFailedPercent: 20);
        var stopped = await api.WaitForRolloutEndAsync(bad, TimeSpan.FromSeconds(420));
        Assert.Equal("failed", (string?)stopped["status"]);
        var only = Assert.Single(stopped.Batches());
        Assert.Equal("canary", (string?)only!["kind"]);
        Assert.Equal("failed", (string?)only["status"]);
        var canaries = only["workspaces"]!.AsArray().Select(w => (string)w!).ToHashSet();
        Assert.Equal(2, canaries.Count);
        Assert.Equal(2, (int)stopped["failed"]!);
        Assert.Equal(2, (int)stopped["rolledBack"]!);

        foreach (var w in stopped.Workspaces())
        {
            string id = (string)w["id"]!;
            var workspace = canaries.Contains(id) ? await api.WaitForReadyAsync(id, TimeSpan.FromSeconds(180)) : (await api.GetAsync($"/api/workspaces/{id}")).Json;
            Assert.Equal(v2, (int)workspace["templateVersion"]!);
            Assert.Equal("running", (string?)workspace["status"]);
            if (canaries.Contains(id))
            {
                Assert.Equal("rolled_back", (string?)w["status"]);
                Assert.Equal(startedBefore[id] + 1, (await api.EventKindsAsync(id)).Count(k => k == "upgrade.started"));
            }
            else
            {
                Assert.Equal("pending", (string?)w["status"]);
                Assert.Equal(startedBefore[id], (await api.EventKindsAsync(id)).Count(k => k == "upgrade.started"));
                Assert.Equal(pidsBefore[id], Assert.Single(AgentProcesses.Under(_host.DataDirectory, id)).Pid);
            }
        }
    }
}
