using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Reconciliation;

/// <summary>
/// Two local hosts on one storage account and one data folder (one machine's agents), each with its own sidecar and
/// worker: the reconcile timer runs once per period between them, and when one dies the other finishes its work.
/// </summary>
[Collection(SecondStorageCollection.Name)]
public sealed class HighAvailabilityTests(TestStorage storage) : IAsyncLifetime
{
    const int PeriodSeconds = 5;
    static readonly Dictionary<string, string> Reconcile = new() { ["CODER_RECONCILE_SCHEDULE"] = $"*/{PeriodSeconds} * * * * *" };

    LocalHostProcess _b = null!;
    LocalHostProcess _a = null!;

    public async Task InitializeAsync()
    {
        _b = new LocalHostProcess(storage.ConnectionString, extraEnvironment: Reconcile);

        // Agents reach the control plane through one address; B's stands in for the load balancer in front of both.
        _a = new LocalHostProcess(storage.ConnectionString, _b.Prefix, _b.DataDirectory, new Dictionary<string, string>(Reconcile) { ["CODER_URL"] = _b.BaseUrl });
        try
        {
            await Task.WhenAll(_a.StartAsync(), _b.StartAsync());
        }
        catch
        {
            // xUnit does not dispose a class whose initialization failed; the host processes must not outlive the test.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task TwoInstances_ReconcileOncePerPeriod_ThenBFinishesTheProvisionsAStarted()
    {
        var records = new ReconcileRecords(storage.ConnectionString, _b.Prefix);

        // Singleton: from the pass records, each of 5 consecutive periods with both instances up ran exactly once. A pass
        // is keyed by the occurrence after its own, so a late start under load still counts for its period.
        long firstPeriod = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / PeriodSeconds + 2;
        var passes = await Eventually.WaitAsync(async () => (await records.PassesAsync()).Where(p => p.NextOccurrence is { } n && Period(n) >= firstPeriod).ToList(),
            ps => ps.Any(p => Period(p.NextOccurrence!.Value) >= firstPeriod + 5), TimeSpan.FromSeconds(10 * PeriodSeconds), "5 reconcile periods to pass", TimeSpan.FromMilliseconds(500));
        var perPeriod = passes.Where(p => Period(p.NextOccurrence!.Value) < firstPeriod + 5).GroupBy(p => Period(p.NextOccurrence!.Value)).ToDictionary(g => g.Key, g => g.ToList());
        for (long period = firstPeriod; period < firstPeriod + 5; period++)
        {
            Assert.True(perPeriod.TryGetValue(period, out var ran), $"period {period} ran no pass");
            Assert.True(ran.Count == 1, $"period {period} ran {ran.Count} passes: {string.Join(", ", ran.Select(p => p.Instance))}");
        }

        // Failover: 10 provisions through A, A killed at once, B brings every one to running.
        using var viaA = _a.Admin();
        using var viaB = _b.Admin();
        await viaA.CreateTemplateAsync(Templates.Local("ha"));
        var ids = new List<string>();
        for (int i = 0; i < 10; i++) ids.Add(await viaA.CreateWorkspaceAsync($"dev{i}", "ha"));
        await _a.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;

        await Eventually.WaitAsync(async () =>
        {
            int running = 0;
            foreach (string id in ids)
            {
                var r = await viaB.GetAsync($"/api/workspaces/{id}");
                if ((string?)r.Json["status"] == "running") running++;
            }

            return running;
        }, n => n == ids.Count, TimeSpan.FromMinutes(2) - (DateTimeOffset.UtcNow - killedAt), "all 10 workspaces to run through B", TimeSpan.FromSeconds(1));

        foreach (string id in ids)
        {
            Assert.Single(AgentProcesses.Under(_b.DataDirectory, id));
            var kinds = (await viaB.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();
            Assert.Equal(1, kinds.Count(k => k == "provision.started"));
            Assert.Equal(1, kinds.Count(k => k == "provision.succeeded"));
            Assert.DoesNotContain("provision.failed", kinds);
        }
    }

    static long Period(DateTimeOffset at) => at.ToUnixTimeSeconds() / PeriodSeconds;
}
