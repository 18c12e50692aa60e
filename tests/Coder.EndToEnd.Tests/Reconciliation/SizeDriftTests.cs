using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Scaling;
using Xunit.Abstractions;

namespace Coder.EndToEnd.Tests.Reconciliation;

/// <summary>
/// The reconciler repairs the size it declares: a replica's memory limit changed from outside (its real cgroup, written
/// by the test as an operator would) is back to the declared size within two reconcile periods, on the same processes
/// (resized in place, no restart), and the timeline gives the observed and the declared numbers.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class SizeDriftTests(TestStorage storage, ITestOutputHelper output) : OwnHostTestBase(new LocalHostProcess(storage.ConnectionString, extraEnvironment: Settings))
{
    const int PeriodSeconds = 5;

    static Dictionary<string, string> Settings => new()
    {
        ["CODER_RECONCILE_SCHEDULE"] = $"*/{PeriodSeconds} * * * * *",
    };

    [Fact]
    public async Task MemoryLimitChangedFromOutside_IsRestoredInPlaceWithinTwoPeriods_AndTheTimelineGivesTheNumbers()
    {
        using var api = Host.Admin();
        await api.CreateTemplateAsync(Templates.Local("sized", heartbeatSeconds: 2, maxReplicas: 2));
        var created = await api.PostAsync("/api/workspaces", """{"name":"sized","template":"sized","replicas":2}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string id = (string)created.Json["id"]!;
        var ws = (await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(90))).Json;
        Assert.True(ws["size"]!["enforced"]!.GetValue<bool>(), "cgroup limits are enforced on this machine (ManualScaleTests needs them too)");
        var agents = AgentProcesses.Under(Host.DataDirectory, id).Select(a => a.Pid).Order().ToList();
        Assert.Equal(2, agents.Count);
        Assert.All(agents, pid => Assert.Equal(512, CgroupLimits.MemoryMiBOf(pid)));

        // Converged: nothing to restore.
        var before = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        Assert.DoesNotContain(before, e => (string?)e!["reason"] == "size_drift");

        // Someone raises one replica's memory limit behind the platform's back.
        int victim = agents[1];
        var changedAt = DateTimeOffset.UtcNow;
        CgroupLimits.SetMemoryMiB(victim, 1024);
        Assert.Equal(1024, CgroupLimits.MemoryMiBOf(victim));

        await Eventually.WaitAsync(() => Task.FromResult(CgroupLimits.MemoryMiBOf(victim)), m => m == 512, TimeSpan.FromSeconds(2 * PeriodSeconds),
            "the reconciler to restore the declared memory limit", TimeSpan.FromMilliseconds(100));
        var restoredAfter = DateTimeOffset.UtcNow - changedAt;

        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        var decision = Assert.Single(events, e => (string?)e!["kind"] == "reconcile.restore_size");
        Assert.Equal("size_drift", (string?)decision!["reason"]);
        Assert.Equal("reconciler", (string?)decision["actor"]);
        Assert.Contains("runs with 1 CPU, 1024 MiB, but the workspace declares 1 CPU, 512 MiB per unit", (string?)decision["message"], StringComparison.Ordinal);
        output.WriteLine($"restored {restoredAfter.TotalSeconds:0.0} s after the change (period {PeriodSeconds} s): {decision["message"]}");
        Assert.InRange(restoredAfter.TotalSeconds, 0, 2 * PeriodSeconds);

        // In place: the same agents run, both with the declared limits, the scale that restored them succeeded, and the
        // workspace's declared size never moved.
        var settled = (await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(30))).Json;
        Assert.Null(settled["operation"]);
        Assert.Equal(1, settled["size"]!["cpu"]!.GetValue<double>());
        Assert.Equal(512, settled["size"]!["memoryMiB"]!.GetValue<int>());
        Assert.Equal(agents, AgentProcesses.Under(Host.DataDirectory, id).Select(a => a.Pid).Order());
        Assert.All(agents, pid =>
        {
            Assert.Equal(1, CgroupLimits.CpuOf(pid));
            Assert.Equal(512, CgroupLimits.MemoryMiBOf(pid));
        });
        events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        Assert.Contains(events, e => (string?)e!["kind"] == "scale.succeeded" && (string?)e["reason"] == "size_drift");
        Assert.DoesNotContain(events, e => (string?)e!["kind"] is "scale.drained" or "scale.drain-timeout");
        Assert.Single(events, e => (string?)e!["kind"] == "reconcile.restore_size");
    }
}
