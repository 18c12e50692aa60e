using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Bench.Scenarios;

/// <summary>
/// Concurrent provision orchestrations on the real local host (no-op platform, an agent that reports ready at once
/// through the real ingest queue): orchestrations/s and time from POST to running. Baseline: the bare durable engine
/// (<see cref="BareEngineHost"/>: the same kind of sidecar, default options, same Azurite) running an orchestration of as
/// many no-op activities as the provision orchestrator's happy path calls.
/// </summary>
public sealed class OrchestrationThroughputScenario : IBenchmarkScenario
{
    public string Name => "orchestration-throughput";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("CODER_BENCH_ORCHESTRATIONS"), out int n) ? n : context.Quick ? 50 : 200;
        var bare = await RunBareAsync(context, count, cancellationToken);
        var product = await RunProvisionAsync(context, count, cancellationToken);
        Console.WriteLine($"   provision {product.PerSecond:0.0}/s p50 {product.P50Ms:0} ms p99 {product.P99Ms:0} ms | bare engine {bare.PerSecond:0.0}/s p50 {bare.P50Ms:0} ms p99 {bare.P99Ms:0} ms ({count} concurrent, {BareEngineHost.ProvisionActivities} activities)");
        string[] standIns = ["NoOpProvisioner (creates nothing)", "ReadyAtOnceAgent (reports ready through the real ingest, over HTTP as a local agent does)"];
        double ratio = product.PerSecond / bare.PerSecond;
        return
        [
            new(Name, $"{count} provisions → running", product.PerSecond, "orch/s", $"bare engine, {BareEngineHost.ProvisionActivities} no-op activities", bare.PerSecond, ratio, "ratio >= 0.8", null, ratio >= 0.8, standIns),
            new(Name, "time to running p50", product.P50Ms, "ms", "bare completion p50", bare.P50Ms, bare.P50Ms / product.P50Ms, null),
            new(Name, "time to running p99", product.P99Ms, "ms", "bare completion p99", bare.P99Ms, bare.P99Ms / product.P99Ms, null),
        ];
    }

    static async Task<LoadGenerator.Outcome> RunBareAsync(BenchmarkContext context, int count, CancellationToken cancellationToken)
    {
        await using var engine = await BareEngineHost.StartAsync(context, cancellationToken);
        return await MeasureAsync(count, (i, ct) => engine.RunAsync($"bare-{i}", ct), cancellationToken);
    }

    static async Task<LoadGenerator.Outcome> RunProvisionAsync(BenchmarkContext context, int count, CancellationToken cancellationToken)
    {
        await using var host = await BenchLocalHost.StartAsync(context, new NoOpProvisioner(new ReadyAtOnceAgent()), null, cancellationToken);
        await BenchApi.CreateTemplateAsync(host.Api, "bench", cancellationToken);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        await ProvisionAsync(host, client, "warm", cancellationToken);
        return await MeasureAsync(count, (i, ct) => ProvisionAsync(host, client, $"o{i}", ct), cancellationToken);
    }

    /// <summary>POST, then the provision orchestration's end (it ends once the row says running), then the row is checked.</summary>
    static async Task ProvisionAsync(BenchLocalHost host, DurableTaskClient client, string name, CancellationToken cancellationToken)
    {
        var (id, operationId) = await BenchApi.CreateWorkspaceWithOperationAsync(host.Api, name, "bench", cancellationToken);
        var done = await client.WaitForInstanceCompletionAsync(operationId, cancellationToken);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed) throw new InvalidOperationException($"Provision {operationId} ended {done.RuntimeStatus}.");
        string? status = await BenchApi.StatusAsync(host.Api, id, cancellationToken);
        if (status != "running") throw new InvalidOperationException($"Workspace {id} is {status} after its provision ended, not running.");
    }

    /// <summary>Starts all <paramref name="count"/> at once; each one's time is from its start to its end.</summary>
    static async Task<LoadGenerator.Outcome> MeasureAsync(int count, Func<int, CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        var times = new ConcurrentBag<double>();
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            long start = Stopwatch.GetTimestamp();
            await run(i, cancellationToken);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }, cancellationToken)));
        var all = times.ToArray();
        return new LoadGenerator.Outcome(all.Length, all.Length / total.Elapsed.TotalSeconds, Percentiles.Of(all, 50), Percentiles.Of(all, 99));
    }
}
