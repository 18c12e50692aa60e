using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Coder.Orchestrations.Agents;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// A scale test after Coder's <c>coder exp scaletest</c>: N running workspaces (seeded through the product's stores) whose
/// compute is a <see cref="SimulatedAgent"/> each, in-process, posting heartbeats and metrics through the real HTTP ingest
/// at the intervals their manifest hands out, while 32 clients call the user API at a Coder-like mix. N steps up (500,
/// 1,000, 2,000; more on request) on one host and one Azurite. Reports ingest lag, API latency per route, and the CPU and
/// memory of the host and of Azurite, per step, into <c>bench/results/fleet.json</c>. On request only, with its own
/// 10-minute budget: a step that would not fit is left out and said so, and what was measured is written all the same.
/// </summary>
public sealed class FleetScenario : IBenchmarkScenario
{
    public const string ScenarioName = "fleet";

    /// <summary>The scenario's own budget; the steps stop early enough to tear down and write within it.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(10);

    const int Clients = 32;
    const string Template = "fleet";

    static readonly string[] StandIns =
    [
        "SimulatedAgent (the agent's outbox, sender, HTTP transport and manifest client as in-process tasks; synthetic metrics)",
        "FleetProvisioner (compute is a SimulatedAgent; workspaces seeded through the stores, not provisioned)",
    ];

    public string Name => ScenarioName;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The fleet scenario runs the Linux agent's code.");
        return await RunOnLinuxAsync(context, cancellationToken);
    }

    [SupportedOSPlatform("linux")]
    async Task<IReadOnlyList<ScenarioResult>> RunOnLinuxAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var options = FleetOptions.Parse(context.Arguments, context.Quick);

        // Thousands of stand-in agents share this process's thread pool with the host, and their outboxes write files
        // synchronously as the agent does; a pool that grew one thread at a time would charge that to the host's latency.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
        var clock = Stopwatch.StartNew();
        var steps = new List<FleetStep>();
        string? stopped = null;

        // Teardown (thousands of agents, the host) and writing need time of their own inside the budget.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget - TimeSpan.FromSeconds(45));
        var window = TimeSpan.FromSeconds(context.Quick ? 10 : 30);
        var warmUp = TimeSpan.FromSeconds(context.Quick ? 5 : 12);

        // The agents' outboxes fsync every append, as on a workspace's disk; in memory here, so thousands of them measure the
        // control plane rather than this machine's disk.
        string stateRoot = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : context.ScratchDirectory, $"coder-fleet-{Environment.ProcessId}");
        var fleet = new SimulatedFleet(stateRoot);
        using var storageRequests = new StorageRequestCounter();
        BenchLocalHost? host = null;
        int? azurite = AzuritePid(context);
        try
        {
            var provisioner = new FleetProvisioner(fleet);
            host = await BenchLocalHost.StartAsync(context, provisioner, null, budget.Token);
            await BenchApi.CreateTemplateAsync(host.Api, Template, budget.Token);
            var controlPlane = new Uri(host.Api.BaseAddress!.GetLeftPart(UriPartial.Authority) + "/");
            var seeder = new FleetSeeder(host.Services, Template, controlPlane);
            using var trafficHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = host.Api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var traffic = new FleetTraffic(trafficHttp, BenchLocalHost.AdminToken);
            var ownedBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            int seededCount = 0;
            double seedPerSecond = 200;

            // The clients' tokens first, while the host is quiet: members spread over the first step's owners.
            var clients = await MintClientsAsync(host.Api, options.Steps[0], budget.Token);
            foreach (int size in options.Steps)
            {
                // A step that cannot finish inside the budget is not started: better three whole rows than four broken ones.
                var estimate = TimeSpan.FromSeconds((size - seededCount) / seedPerSecond) + warmUp + window + TimeSpan.FromSeconds(60);
                if (clock.Elapsed + estimate > Budget - TimeSpan.FromSeconds(45))
                {
                    stopped = $"step {size} left out: it needs about {estimate.TotalSeconds:0} s and {(Budget - clock.Elapsed).TotalSeconds:0} s of the budget remain";
                    break;
                }

                Console.WriteLine($"   step {size}: seeding {size - seededCount} workspaces");
                var seedClock = Stopwatch.StartNew();
                var seeded = await seeder.SeedAsync(seededCount, size, budget.Token);
                double seedSeconds = seedClock.Elapsed.TotalSeconds;
                seedPerSecond = Math.Max(20, (size - seededCount) / Math.Max(0.1, seedSeconds));
                Console.WriteLine($"   seeded in {seedSeconds:0.0} s");
                foreach (var (_, owner, agent) in seeded)
                {
                    if (!ownedBy.TryGetValue(owner, out var list)) ownedBy[owner] = list = [];
                    list.Add(agent.WorkspaceId);

                    // Spread over the default heartbeat interval, as agents of workspaces started at different times are.
                    fleet.Start(agent, TimeSpan.FromSeconds(Random.Shared.NextDouble() * 5), reportLifecycle: false);
                }

                seededCount = size;

                // The steady state at this size, not the step up to it: the control plane counts live agents every
                // FleetCountSeconds and hands out a longer interval when the fleet outgrows its heartbeat budget, and agents
                // take it at their next heartbeat. So: until the count has seen this step's agents, then one heartbeat
                // interval as handed out.
                await Task.Delay(warmUp, budget.Token);
                var adaptation = host.Services.GetRequiredService<FleetHeartbeat>();
                var settleBy = clock.Elapsed + TimeSpan.FromSeconds(90);
                while (adaptation.LiveAgents < size * 9 / 10 && clock.Elapsed < settleBy)
                {
                    await adaptation.FloorSecondsAsync(budget.Token);
                    await Task.Delay(TimeSpan.FromSeconds(1), budget.Token);
                }

                await Task.Delay(TimeSpan.FromSeconds(await adaptation.HeartbeatSecondsAsync(null, budget.Token)), budget.Token);

                // And one metrics interval as the agents then run it: each has reported metrics once, so the window measures
                // steady samples rather than every workspace's first metrics history row being inserted.
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, fleet.Intervals.MetricsSeconds)), budget.Token);
                Console.WriteLine($"   settled: {adaptation.LiveAgents} live agents counted, heartbeat {await adaptation.HeartbeatSecondsAsync(null, budget.Token)} s");
                fleet.Lag.Reset();
                var hostBefore = ProcessUsage.Read(Environment.ProcessId);
                var azuriteBefore = azurite is { } a0 ? ProcessUsage.Read(a0) : null;
                var measured = Stopwatch.StartNew();
                storageRequests.Start();
                var routes = await traffic.RunAsync([.. clients.Select(c => new FleetTraffic.Client(c.Token, ownedBy[c.Owner]))], window, budget.Token);
                double seconds = measured.Elapsed.TotalSeconds;
                var storage = storageRequests.Stop(seconds);
                var hostAfter = ProcessUsage.Read(Environment.ProcessId);
                var azuriteAfter = azurite is { } a1 ? ProcessUsage.Read(a1) : null;
                var ingest = fleet.Lag.Take();
                var lags = ingest.Samples.Select(s => s.Ms).ToArray();
                var heartbeatLags = ingest.Samples.Where(s => s.Type == Contracts.Agents.AgentEventTypes.Heartbeat).Select(s => s.Ms).ToArray();
                double hostCores = ProcessUsage.Cores(hostBefore, hostAfter), azuriteCores = ProcessUsage.Cores(azuriteBefore, azuriteAfter);
                var step = new FleetStep(size, fleet.Count, fleet.Intervals.HeartbeatSeconds, fleet.Intervals.MetricsSeconds, Math.Round(seconds, 1),
                    lags.Length / seconds, Percentiles.Of(lags, 50), Percentiles.Of(lags, 95), Percentiles.Of(lags, 99), Percentiles.Of(heartbeatLags, 95), ingest.Failures,
                    ingest.FailuresByReason, Percentiles.Of([.. ingest.SendMs], 95),
                    routes, routes.Sum(r => r.Count) / seconds, hostCores, (hostAfter?.RssBytes ?? 0) / 1048576.0, azuriteCores, (azuriteAfter?.RssBytes ?? 0) / 1048576.0,
                    azuriteCores / (hostCores + azuriteCores), Math.Round(seedSeconds, 1), MachineInfo.LoadAverage(), storage);
                steps.Add(step);
                Print(step);
            }
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            stopped = $"the 10-minute budget ran out during step {options.Steps.Skip(steps.Count).FirstOrDefault()}";
            Console.WriteLine($"   {stopped}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // What the earlier steps measured is still worth writing; the row says what broke.
            stopped = $"step {options.Steps.Skip(steps.Count).FirstOrDefault()} failed: {e.GetType().Name}: {e.Message}";
            Console.WriteLine($"   {stopped}");
        }
        finally
        {
            // The agents first: a host that stops under them would only count their failed sends.
            await fleet.DisposeAsync();
            if (host is not null) await host.DisposeAsync();
        }

        await FleetResultsWriter.WriteAsync(context, steps, options, stopped, clock.Elapsed, StandIns, CancellationToken.None);
        return Rows(steps, stopped);
    }

    /// <summary>One member token per client, each for an owner spread over the first step's workspaces.</summary>
    static async Task<List<(string Owner, string Token)>> MintClientsAsync(HttpClient api, int firstStep, CancellationToken cancellationToken)
    {
        var clients = new List<(string, string)>();
        for (int c = 0; c < Clients; c++)
        {
            string owner = FleetSeeder.OwnerOf(c * firstStep / Clients);
            using var response = await api.PostAsJsonAsync("/api/tokens", new JsonObject
            {
                ["name"] = $"fleet-client-{c}-{Guid.NewGuid():N}"[..32],
                ["roles"] = new JsonArray("member"),
                ["user"] = owner,
                ["expiresInDays"] = 1,
            }, cancellationToken);
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/tokens for {owner}: {(int)response.StatusCode} {text}");
            clients.Add((owner, (string?)JsonNode.Parse(text)?["token"] ?? throw new InvalidOperationException("No token in " + text)));
        }

        return clients;
    }

    static int? AzuritePid(BenchmarkContext context)
    {
        // The runner's embedded Azurite writes its pid beside its data; with CODER_STORAGE there is none to measure.
        string pidFile = Path.Combine(context.ScratchDirectory, "azurite", "azurite.pid");
        return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    static string Reasons(IReadOnlyDictionary<string, long> reasons) =>
        reasons.Count == 0 ? "" : ": " + string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}"));

    static void Print(FleetStep s)
    {
        Console.WriteLine($"   {s.Workspaces} workspaces ({s.AgentsRunning} agents, heartbeat {s.HeartbeatSeconds:0.#} s, metrics {s.MetricsSeconds:0.#} s): ingest {s.IngestEventsPerSecond:0} ev/s, lag p50 {s.IngestLagP50Ms:0} ms p95 {s.IngestLagP95Ms:0} ms ({s.IngestSendFailures} failed sends{Reasons(s.IngestSendFailureReasons)}; a send's HTTP call p95 {s.IngestSendP95Ms:0} ms)");
        foreach (var r in s.Routes)
            Console.WriteLine($"     {r.Route,-42} {r.Count,6} calls  p50 {r.P50Ms,7:0.0}  p95 {r.P95Ms,7:0.0}  p99 {r.P99Ms,7:0.0} ms{(r.Errors > 0 ? $"  {r.Errors} errors" : "")}{(r.Conflicts > 0 ? $"  {r.Conflicts} conflicts" : "")}");
        Console.WriteLine($"     storage requests/s: {string.Join(", ", s.StorageRequestsPerSecond.Select(p => $"{p.Key} {p.Value}"))}");
        Console.WriteLine($"     host {s.HostCpuCores:0.00} cores {s.HostRssMiB:0} MiB | Azurite {s.AzuriteCpuCores:0.00} cores {s.AzuriteRssMiB:0} MiB ({s.AzuriteCpuShare:P0} of the CPU) | load {string.Join(' ', s.LoadAverage ?? [])}");
    }

    IReadOnlyList<ScenarioResult> Rows(IReadOnlyList<FleetStep> steps, string? stopped)
    {
        var rows = new List<ScenarioResult>();
        foreach (var s in steps)
        {
            bool judged = s.Workspaces == FleetOptions.GoalStep;
            var worst = s.Routes.Where(r => FleetRoutes.Reads.Contains(r.Route) && r.Count > 0).MaxBy(r => r.P95Ms);
            rows.Add(new(Name, $"ingest lag p95 at {s.Workspaces:N0}", s.IngestLagP95Ms, "ms", null, null, null, judged ? "< 5000 ms at 2,000" : null,
                $"p50 {s.IngestLagP50Ms:0} ms, {s.IngestEventsPerSecond:0} ev/s, heartbeat {s.HeartbeatSeconds:0.#} s", judged ? s.LagPassed : null, StandIns));
            if (worst is not null)
                rows.Add(new(Name, $"API read p95 (worst route) at {s.Workspaces:N0}", worst.P95Ms, "ms", null, null, null, judged ? "< 300 ms every read route at 2,000" : null,
                    $"{worst.Route}; host {s.HostCpuCores:0.00} cores, Azurite {s.AzuriteCpuShare:P0} of the CPU", judged ? s.ReadRoutesPassed.Values.All(p => p) : null, StandIns));
        }

        if (stopped is not null) rows.Add(new(Name, "partial run", double.NaN, "", null, null, null, null, stopped, false));
        return rows;
    }
}
