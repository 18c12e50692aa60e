using System.Net;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Reconciliation;

/// <summary>
/// Two local hosts on one storage account and one data folder (one machine's agents), each with its own sidecar and
/// worker: the reconcile timer runs once per period between them, when one dies the other finishes its work, and an
/// agent stream delivered to both is applied once.
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

    [Fact]
    public async Task OneAgentStream_DeliveredToBothHosts_IsAppliedExactlyOnce_NothingLostNothingDoubled()
    {
        using var viaA = _a.Admin();
        using var viaB = _b.Admin();
        await viaA.CreateTemplateAsync(Templates.Local("ha-ingest"));
        string id = await viaA.CreateWorkspaceAsync("ingest", "ha-ingest");
        await viaA.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(90));
        int pid = Assert.Single(AgentProcesses.Under(_b.DataDirectory, id)).Pid;
        string token = Security.SecurityHost.AgentEnvironment(pid, "CODER_AGENT_TOKEN") ?? throw new InvalidOperationException("no agent token");
        string agentId = Security.SecurityHost.AgentEnvironment(pid, "CODER_AGENT_ID") ?? throw new InvalidOperationException("no agent id");
        using var agentToA = new CoderApi(_a.BaseUrl, token);
        using var agentToB = new CoderApi(_b.BaseUrl, token);

        // 40 log events in 5 batches, each batch posted to both hosts at once: the redelivery a failover or a retry after
        // a lost answer makes (on Azure, two instances draining one Service Bus queue). Sequence numbers far above the
        // agent's own, so its stream and this one do not meet.
        string run = Guid.NewGuid().ToString("N")[..8];
        const int Batches = 5, PerBatch = 8;
        for (int batch = 0; batch < Batches; batch++)
        {
            var events = new JsonArray();
            for (int i = 0; i < PerBatch; i++)
            {
                int n = batch * PerBatch + i;
                events.Add(new JsonObject
                {
                    ["workspaceId"] = id, ["agentId"] = agentId, ["seq"] = 1_000_000 + n, ["sentAt"] = DateTimeOffset.UtcNow.ToString("O"), ["type"] = "log",
                    ["payload"] = new JsonObject { ["source"] = "ha", ["stream"] = "stdout", ["lines"] = new JsonArray($"{run} line {n}") },
                });
            }

            string body = new JsonObject { ["events"] = events }.ToJsonString();
            var answers = await Task.WhenAll(agentToA.PostAsync("/api/agent/events", body), agentToB.PostAsync("/api/agent/events", body));
            Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Accepted && (int)a.Json["accepted"]! == PerBatch, a.ToString()));
        }

        // Every event once, seen the same from either host.
        foreach (var api in new[] { viaA, viaB })
        {
            var lines = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray()
                .Where(e => (string?)e!["kind"] == "log" && ((string)e["message"]!).Contains(run, StringComparison.Ordinal))
                .Select(e => ((string)e!["message"]!)[((string)e["message"]!).IndexOf(run, StringComparison.Ordinal)..]).ToList();
            Assert.Equal(Enumerable.Range(0, Batches * PerBatch).Select(n => $"{run} line {n}").Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        }
    }

    static long Period(DateTimeOffset at) => at.ToUnixTimeSeconds() / PeriodSeconds;
}
