using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Upgrades;

/// <summary>Pause, resume and abort reach a running rollout as external events and show in its status.</summary>
[Collection(ThirdStorageCollection.Name)]
public sealed class RolloutControlTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PauseThenResumeThenAbort_HoldTheRolloutAndStopItWithTheRestUntouched()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("ctl", "true", heartbeatSeconds: 2));
        await api.CreateRunningAsync("ctl", 3, TimeSpan.FromSeconds(300));
        int v2 = await api.AddActiveVersionAsync("ctl", UpgradeKit.Version("true"));
        string id = await api.StartRolloutAsync("ctl", v2, canaryPercent: 10, batchSize: 1, bakeMinutes: 0.05, maxFailedPercent: 50);

        // Pause while the canary upgrade is in flight: it finishes, and nothing new starts.
        await api.WaitForRolloutAsync(id, j => j.Batches().Count == 1, TimeSpan.FromSeconds(180), "the canary batch to start");
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/rollouts/{id}/pause", "")).Status);
        var paused = await api.WaitForRolloutAsync(id, j => (string?)j["status"] == "paused" && j.Batches()[0]!["endedAt"] is not null, TimeSpan.FromSeconds(240), "the rollout to be paused with the canary done");
        Assert.Single(paused.Batches());
        Assert.Equal(2, paused.Workspaces().Count(w => (string?)w["status"] == "pending"));
        Assert.Contains("Paused by user:", (string?)paused["reason"]);

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/rollouts/{id}/resume", "")).Status);
        await api.WaitForRolloutAsync(id, j => j.Batches().Count == 2, TimeSpan.FromSeconds(180), "the next batch to start after resume");
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/rollouts/{id}/abort", "")).Status);
        var aborted = await api.WaitForRolloutEndAsync(id, TimeSpan.FromSeconds(240));
        Assert.Equal("aborted", (string?)aborted["status"]);
        Assert.Contains("Aborted by user:", (string?)aborted["reason"]);
        Assert.Equal(2, aborted.Batches().Count);
        var untouched = Assert.Single(aborted.Workspaces(), w => (string?)w["status"] == "pending");
        Assert.Equal(1, (int)(await api.GetAsync($"/api/workspaces/{untouched["id"]}")).Json["templateVersion"]!);
        Assert.Equal(2, aborted.Workspaces().Count(w => (string?)w["status"] == "upgraded"));

        // An ended rollout takes no more signals, and an unknown one does not exist.
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync($"/api/rollouts/{id}/resume", "")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/rollouts/ro-nope-0001")).Status);
    }

    [Fact]
    public async Task BadRolloutRequests_AreProblemsNamingTheFieldAndStartNothing()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("bad", "true"));
        var r = await api.PostAsync("/api/templates/bad/rollouts", """{"version":1,"strategy":"canary","canaryPercent":0,"batchSize":0,"bakeMinutes":-1,"maxFailedPercent":101}""");
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("application/problem+json", r.ContentType);
        foreach (string field in new[] { "canaryPercent", "batchSize", "bakeMinutes", "maxFailedPercent" }) Assert.NotNull(r.Json["errors"]![field]);
        var missing = await api.PostAsync("/api/templates/bad/rollouts", """{"version":9,"strategy":"canary"}""");
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.NotNull(missing.Json["errors"]!["version"]);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/api/templates/nosuch/rollouts", """{"version":1}""")).Status);
        var unknown = await api.PostAsync("/api/templates/bad/rollouts", """{"version":1,"surprise":true}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.NotNull(unknown.Json["errors"]!["surprise"]);
    }
}
