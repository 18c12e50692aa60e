using System.Diagnostics;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Bench.Scenarios;

/// <summary>
/// POST /api/workspaces to <c>running</c> with the real local provisioner and a real agent process (the AOT binary,
/// published from the current source), a template without scripts, one workspace at a time. The goal is absolute (p50
/// under 2 s). Baseline: the floor the durable engine sets on any provision, measured the same way on the same Azurite:
/// the bare engine (<see cref="BareEngineHost"/>) running the provision's happy-path count of no-op activities, one at a
/// time, watched at the same poll interval. The gap is the product's work: its rows, the agent process and its ready event.
/// </summary>
public sealed class TimeToReadyScenario : IBenchmarkScenario
{
    /// <summary>How often the caller looks at the workspace, as a client waiting for it would.</summary>
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public string Name => "time-to-ready";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        int runs = context.Quick ? 10 : 20;
        var floor = new List<double>();
        await using (var engine = await BareEngineHost.StartAsync(context, cancellationToken))
        {
            for (int run = 0; run < runs; run++)
            {
                long began = Stopwatch.GetTimestamp();
                await engine.RunPollingAsync($"floor-{run}", PollInterval, cancellationToken);
                floor.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }
        }

        string agentPath = await AgentBuilds.NativeAsync(context.RepoRoot, cancellationToken);
        const string kind = "AOT";
        Console.WriteLine($"   agent: {kind} ({agentPath})");
        await using var host = await BenchLocalHost.StartAsync(context, null, new Dictionary<string, string?> { ["Coder:Local:AgentPath"] = agentPath }, cancellationToken);
        await BenchApi.CreateTemplateAsync(host.Api, "bench", cancellationToken);
        var client = host.Services.GetRequiredService<DurableTaskClient>();

        var times = new List<double>();
        var created = new List<string>();
        for (int run = -1; run < runs; run++)
        {
            long start = Stopwatch.GetTimestamp();
            string id = await BenchApi.CreateWorkspaceAsync(host.Api, $"ready{run + 1}", "bench", cancellationToken);
            string? status;
            while ((status = await BenchApi.StatusAsync(host.Api, id, cancellationToken)) is not ("running" or "failed")) await Task.Delay(PollInterval, cancellationToken);
            if (status != "running") throw new InvalidOperationException($"Workspace {id} failed to start: {await host.Api.GetStringAsync($"/api/workspaces/{id}/events", cancellationToken)}");
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            // Run -1 warms the host (JIT, tables, queues) and is not counted.
            if (run >= 0) times.Add(ms);
            created.Add(id);
        }

        // The workspaces stay up until every run is timed (a delete in flight would share the machine with the next
        // start), then go together: the agents must not outlive the bench.
        long deleting = Stopwatch.GetTimestamp();
        var deletes = new List<string>();
        foreach (string id in created) deletes.Add(await BenchApi.DeleteWorkspaceAsync(host.Api, id, cancellationToken));
        await Task.WhenAll(deletes.Select(operation => client.WaitForInstanceCompletionAsync(operation, cancellationToken)));
        Console.WriteLine($"   {created.Count} workspaces deleted in {Stopwatch.GetElapsedTime(deleting).TotalSeconds:0.0} s");

        double p50 = Percentiles.Of(times, 50), p95 = Percentiles.Of(times, 95);
        double floorP50 = Percentiles.Of(floor, 50), floorP95 = Percentiles.Of(floor, 95);
        Console.WriteLine($"   POST → running p50 {p50:0} ms p95 {p95:0} ms over {runs} runs ({kind} agent) | bare engine, {BareEngineHost.ProvisionActivities} activities: p50 {floorP50:0} ms p95 {floorP95:0} ms");
        string note = $"{runs} runs, {kind} agent, no scripts";
        return
        [
            new(Name, "POST → running p50", p50, "ms", "bare engine p50", floorP50, floorP50 / p50, "< 2000 ms", note, p50 < 2000),
            new(Name, "POST → running p95", p95, "ms", "bare engine p95", floorP95, floorP95 / p95, null, note),
        ];
    }
}
