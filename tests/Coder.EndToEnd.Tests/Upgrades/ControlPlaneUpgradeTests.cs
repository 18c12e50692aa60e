using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Orchestrations.Operations;

namespace Coder.EndToEnd.Tests.Upgrades;

/// <summary>
/// A control-plane upgrade in the middle of a rollout: the local host is stopped while a canary upgrade is in flight and
/// a build whose orchestrations carry version 2.0 takes over the same task hub. The instances started under the shipped
/// version (1.2) replay on the new code (which branches on the instance's version, never the worker's) and the rollout finishes.
/// </summary>
[Collection(ThirdStorageCollection.Name)]
public sealed class ControlPlaneUpgradeTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _old = new(storage.ConnectionString);
    LocalHostProcess? _new;

    public Task InitializeAsync() => _old.StartAsync();

    public async Task DisposeAsync()
    {
        if (_new is not null) await _new.DisposeAsync();
        await _old.DisposeAsync();
    }

    [Fact]
    public async Task HostReplacedByHigherOrchestrationVersionMidRollout_RolloutFinishesWithoutNonDeterminism()
    {
        using var oldApi = _old.Admin();
        await oldApi.CreateTemplateAsync(Templates.Local("cp", "sleep 2", heartbeatSeconds: 2));
        var ids = await oldApi.CreateRunningAsync("cp", 3, TimeSpan.FromSeconds(300));
        int v2 = await oldApi.AddActiveVersionAsync("cp", UpgradeKit.Version("sleep 2"));
        string rollout = await oldApi.StartRolloutAsync("cp", v2, canaryPercent: 10, batchSize: 2, bakeMinutes: 0.05, maxFailedPercent: 0);
        var started = await oldApi.WaitForRolloutAsync(rollout, j => j.Batches().Count == 1 && j.Workspaces().Any(w => (string?)w["status"] == "upgrading"), TimeSpan.FromSeconds(180), "the canary upgrade to be in flight");
        Assert.Equal(OrchestrationVersions.ProvisionFoldedSteps, (string?)started["orchestrationVersion"]);
        string canary = (string)started.Workspaces().Single(w => (string?)w["status"] == "upgrading")["id"]!;
        await Eventually.WaitAsync(async () => await oldApi.EventKindsAsync(canary), k => k.Contains("upgrade.stopping"), TimeSpan.FromSeconds(180), "the canary upgrade to be mid-way");

        await _old.KillAsync();
        _new = new LocalHostProcess(storage.ConnectionString, _old.Prefix, _old.DataDirectory, new Dictionary<string, string> { ["CODER_ORCHESTRATION_VERSION"] = "2.0" });
        await _new.StartAsync();
        using var api = _new.Admin();

        var done = await api.WaitForRolloutEndAsync(rollout, TimeSpan.FromSeconds(480));
        Assert.True((string?)done["status"] == "succeeded", done.ToJsonString());
        Assert.Equal(3, (int)done["upgraded"]!);
        Assert.Equal(OrchestrationVersions.ProvisionFoldedSteps, (string?)done["orchestrationVersion"]);

        // The canary's upgrade began under 1.2 and was replayed by the 2.0 worker: it kept the 1.2 steps.
        var canaryKinds = await api.EventKindsAsync(canary);
        Assert.Contains("upgrade.succeeded", canaryKinds);
        Assert.DoesNotContain("upgrade.plan", canaryKinds);
        Assert.Equal(OrchestrationVersions.ProvisionFoldedSteps, (string?)done.Workspaces().Single(w => (string?)w["id"] == canary)["orchestrationVersion"]);

        // New work on the new build runs the new version's code.
        int v3 = await api.AddActiveVersionAsync("cp", UpgradeKit.Version("true"));
        var upgrade = await api.PostAsync($"/api/workspaces/{canary}/upgrade", $$"""{"version":{{v3}},"strategy":"in-place"}""");
        Assert.True(upgrade.Status == HttpStatusCode.Accepted, upgrade.ToString());
        Assert.Equal("succeeded", (string?)(await api.WaitForOperationAsync((string)upgrade.Json["operation"]!["statusUrl"]!, TimeSpan.FromSeconds(240)))["status"]);
        Assert.Contains("upgrade.plan", await api.EventKindsAsync(canary));

        string logs = _old.Output + "\n" + _new.Output;
        Assert.DoesNotContain("NonDeterministic", logs, StringComparison.OrdinalIgnoreCase);
        foreach (string id in ids) Assert.Equal("running", (string?)(await api.GetAsync($"/api/workspaces/{id}")).Json["status"]);
    }
}
