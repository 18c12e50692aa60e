using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Bench.Scenarios;

/// <summary>
/// POST /api/workspaces to <c>running</c> (agent ready and personalized) when the create claims a warm-pool member,
/// next to a cold create in the same run, on the same host, interleaved one by one: the real local provisioner and real
/// AOT agent processes, the reconciler every second to refill the pool. Before each claim the bench waits until the pool
/// holds a ready member (a claim that found none would be a cold create, and is refused as a measurement). Goals are
/// absolute: claim p50 under 300 ms, p95 under 600 ms; the cold p50/p95 are the baseline the ratios compare with.
/// </summary>
public sealed class PrebuildClaimScenario : IBenchmarkScenario
{
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public string Name => "prebuild-claim";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        int runs = context.Quick ? 10 : 20;
        string agentPath = await AgentBuilds.NativeAsync(context.RepoRoot, cancellationToken);
        Console.WriteLine($"   agent: AOT ({agentPath})");
        await using var host = await BenchLocalHost.StartAsync(context, null, new Dictionary<string, string?>
        {
            ["Coder:Local:AgentPath"] = agentPath,
            ["CODER_RECONCILE_SCHEDULE"] = "*/1 * * * * *",
        }, cancellationToken);
        await BenchApi.CreateTemplateAsync(host.Api, "cold", cancellationToken);
        await BenchApi.CreateTemplateAsync(host.Api, "warm", prebuilds: 2, cancellationToken);
        var pool = new TableClient(context.StorageConnectionString, host.Prefix + "Workspaces");

        var claims = new List<double>();
        var colds = new List<double>();
        var created = new List<string>();
        try
        {
            await MeasureAsync(host, pool, runs, claims, colds, created, cancellationToken);
        }
        finally
        {
            // Empty the pool (a version without one) and delete every workspace, also after a failure: no agent outlives the bench.
            await CleanUpAsync(host, pool, created, CancellationToken.None);
        }

        double p50 = Percentiles.Of(claims, 50), p95 = Percentiles.Of(claims, 95);
        double coldP50 = Percentiles.Of(colds, 50), coldP95 = Percentiles.Of(colds, 95);
        Console.WriteLine($"   claim POST → running p50 {p50:0} ms p95 {p95:0} ms | cold p50 {coldP50:0} ms p95 {coldP95:0} ms over {runs} runs each (AOT agent)");
        string note = $"{runs} claims and {runs} cold creates interleaved, AOT agent, pool of 2, no scripts";
        return
        [
            new(Name, "claim POST → running p50", p50, "ms", "cold create p50", coldP50, coldP50 / p50, "< 300 ms", note, p50 < 300),
            new(Name, "claim POST → running p95", p95, "ms", "cold create p95", coldP95, coldP95 / p95, "< 600 ms", note, p95 < 600),
        ];
    }

    static async Task MeasureAsync(BenchLocalHost host, TableClient pool, int runs, List<double> claims, List<double> colds, List<string> created, CancellationToken cancellationToken)
    {
        for (int run = -1; run < runs; run++)
        {
            await WaitForReadyMemberAsync(pool, cancellationToken);
            var (claimMs, claimId) = await TimeCreateAsync(host, $"claim{run + 1}", "warm", expectClaim: true, cancellationToken);
            var (coldMs, coldId) = await TimeCreateAsync(host, $"cold{run + 1}", "cold", expectClaim: false, cancellationToken);

            // Run -1 warms the host (JIT, tables, queues) and is not counted.
            Console.WriteLine($"   run {run + 1}: claim {claimMs:0} ms, cold {coldMs:0} ms");
            if (run >= 0)
            {
                claims.Add(claimMs);
                colds.Add(coldMs);
            }

            created.Add(claimId);
            created.Add(coldId);
        }
    }

    static async Task CleanUpAsync(BenchLocalHost host, TableClient pool, List<string> created, CancellationToken cancellationToken)
    {
        using (var version = await host.Api.PostAsJsonAsync("/api/templates/warm/versions", new JsonObject
        {
            ["provisioner"] = NoOpProvisioner.ProvisionerName,
            ["resources"] = new JsonObject { ["cpu"] = 1, ["memoryMiB"] = 512 },
            ["limits"] = new JsonObject { ["maxCpu"] = 2, ["maxMemoryMiB"] = 1024, ["maxReplicas"] = 1 },
        }, cancellationToken))
        using (await host.Api.PostAsync("/api/templates/warm/versions/2/promote", JsonContent.Create(new JsonObject()), cancellationToken))
        {
        }

        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var deletes = new List<string>();
        foreach (string id in created) deletes.Add(await BenchApi.DeleteWorkspaceAsync(host.Api, id, cancellationToken));
        await Task.WhenAll(deletes.Select(operation => client.WaitForInstanceCompletionAsync(operation, cancellationToken)));
        await WaitForEmptyPoolAsync(pool, cancellationToken);
    }

    static async Task<(double Ms, string Id)> TimeCreateAsync(BenchLocalHost host, string name, string template, bool expectClaim, CancellationToken cancellationToken)
    {
        var api = host.Api;
        long start = Stopwatch.GetTimestamp();
        using var response = await api.PostAsJsonAsync("/api/workspaces", new JsonObject { ["name"] = name, ["template"] = template }, cancellationToken);
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"POST workspace {name}: {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!;
        string id = (string)body["id"]!;
        bool claimed = (string?)body["status"] == "starting";
        if (claimed != expectClaim) throw new InvalidOperationException($"POST workspace {name} was {(claimed ? "a claim" : "a cold create")}: {text}");
        string? status;
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        while ((status = await BenchApi.StatusAsync(api, id, cancellationToken)) is not ("running" or "failed"))
        {
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException($"Workspace {id} ({template}) is still {status} after a minute: {await api.GetStringAsync($"/api/workspaces/{id}/events", cancellationToken)}\n{AgentLogs(host, id)}");
            await Task.Delay(PollInterval, cancellationToken);
        }

        if (status != "running") throw new InvalidOperationException($"Workspace {id} failed: {await api.GetStringAsync($"/api/workspaces/{id}/events", cancellationToken)}\n{AgentLogs(host, id)}");
        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, id);
    }

    /// <summary>The workspace's agent logs, for a failure message: the scratch folder that holds them is deleted after the run.</summary>
    static string AgentLogs(BenchLocalHost host, string id)
    {
        var logs = Directory.Exists(host.DataDirectory)
            ? Directory.EnumerateFiles(host.DataDirectory, "agent-r*.log", SearchOption.AllDirectories).Where(f => f.Contains(id, StringComparison.Ordinal)).ToList()
            : [];
        return logs.Count == 0 ? $"(no agent log of {id} under {host.DataDirectory})"
            : string.Join('\n', logs.Select(f => $"--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(200))}"));
    }

    static async Task WaitForReadyMemberAsync(TableClient pool, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (await CountAsync(pool, ready: true, cancellationToken) == 0)
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException("The warm pool had no ready member within 2 minutes.");
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    static async Task WaitForEmptyPoolAsync(TableClient pool, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        while (await CountAsync(pool, ready: false, cancellationToken) > 0 && DateTimeOffset.UtcNow < deadline) await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
    }

    /// <summary>The pool's members that are ready to claim (<paramref name="ready"/>) or not yet deleted.</summary>
    static async Task<int> CountAsync(TableClient pool, bool ready, CancellationToken cancellationToken)
    {
        int count = 0;
        await foreach (var row in pool.QueryAsync<TableEntity>(e => e.PartitionKey == "system:prebuilds", cancellationToken: cancellationToken))
        {
            if (!row.RowKey.StartsWith("ws-", StringComparison.Ordinal)) continue;
            string? status = row.GetString("Status");
            if (ready ? status == "running" && row.GetString("OperationId") is null && row.GetString("PoolClaim") is null : status != "deleted") count++;
        }

        return count;
    }
}
