using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Coder.Orchestrations.State;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Bench.Scenarios;

/// <summary>
/// GET /api/workspaces/{id} and POST /api/workspaces on the real local host with 32 concurrent clients, against raw
/// TableClient point reads and inserts of the same rows on the same Azurite at the same concurrency, and POST against the
/// bare durable engine's own limit: <c>ScheduleNewOrchestrationInstanceAsync</c> at 32 clients on the same Azurite.
/// </summary>
public sealed class ApiThroughputScenario : IBenchmarkScenario
{
    const int Clients = 32;
    // One seeded workspace per client: reads spread over as many rows and partitions as callers.
    const int Workspaces = 32;

    public string Name => "api-throughput";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromSeconds(context.Quick ? 4 : 6);
        string[] standIns = ["NoOpProvisioner (creates nothing)", "ReadyAtOnceAgent (reports ready through the real ingest, over HTTP as a local agent does)"];
        await using var host = await BenchLocalHost.StartAsync(context, new NoOpProvisioner(new ReadyAtOnceAgent()), null, cancellationToken);
        await BenchApi.CreateTemplateAsync(host.Api, "bench", cancellationToken);

        var ids = new string[Workspaces];
        var operations = new string[Workspaces];
        for (int i = 0; i < Workspaces; i++) (ids[i], operations[i]) = await BenchApi.CreateWorkspaceWithOperationAsync(host.Api, $"seed{i}", "bench", cancellationToken);

        // Reads are measured on a quiet host: the seeds' provisions end first.
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        foreach (string operation in operations) await client.WaitForInstanceCompletionAsync(operation, cancellationToken);

        var tables = new TableServiceClient(context.StorageConnectionString);
        var workspaceTable = tables.GetTableClient(host.Prefix + TableNames.Workspaces);
        var rows = new List<TableEntity>();
        foreach (string id in ids) rows.Add(await FindRowAsync(workspaceTable, id, cancellationToken));
        var rawInserts = tables.GetTableClient(host.Prefix + "benchinserts");
        await rawInserts.CreateIfNotExistsAsync(cancellationToken);

        // Warm both paths (JIT, connections) before anything is timed.
        await LoadGenerator.RunAsync(Clients, TimeSpan.FromSeconds(1), (c, n, ct) => GetAsync(host.Api, ids[(c + n) % ids.Length], ct), cancellationToken);
        await LoadGenerator.RunAsync(Clients, TimeSpan.FromSeconds(1), (c, n, ct) => workspaceTable.GetEntityAsync<TableEntity>(rows[(c + n) % rows.Count].PartitionKey, rows[(c + n) % rows.Count].RowKey, cancellationToken: ct), cancellationToken);

        var rawReads = await LoadGenerator.RunAsync(Clients, duration, (c, n, ct) =>
        {
            var row = rows[(c + n) % rows.Count];
            return workspaceTable.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: ct);
        }, cancellationToken);
        var reads = await LoadGenerator.RunAsync(Clients, duration, (c, n, ct) => GetAsync(host.Api, ids[(c + n) % ids.Length], ct), cancellationToken);

        var rawCreates = await LoadGenerator.RunAsync(Clients, duration, (c, n, ct) =>
        {
            var row = new TableEntity(rows[c % rows.Count]) { RowKey = $"raw-{c}-{n}", ETag = default };
            return rawInserts.AddEntityAsync(row, ct);
        }, cancellationToken);

        // Where a create's time goes: one caller each probes a raw queue send and a raw table insert, first on the quiet
        // emulator and then beside the POST load. The durable start is a control-queue send, so the queue probe shows what
        // the engine's own queue traffic (every start and every activity) does to Azurite's queue service.
        var probeQueue = new QueueClient(context.StorageConnectionString, host.Prefix + "benchprobe");
        await probeQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var (quietQueue, quietTable) = await ProbeAsync(probeQueue, rawInserts, "quiet", TimeSpan.FromSeconds(2), cancellationToken);

        // The engine's own limit for what a create asks of it. Its host stops before the POST load, so the orchestrations
        // it scheduled wait in its own hub's queues and take nothing from the POST phase.
        LoadGenerator.Outcome schedules;
        await using (var engine = await BareEngineHost.StartAsync(context, cancellationToken))
        {
            string run = Guid.NewGuid().ToString("N")[..6];
            schedules = await LoadGenerator.RunAsync(Clients, duration, (c, n, ct) => engine.ScheduleAsync($"{run}-{c}-{n}", ct), cancellationToken);
        }


        var loadedProbe = ProbeAsync(probeQueue, rawInserts, "loaded", duration, cancellationToken);
        var creates = await LoadGenerator.RunAsync(Clients, duration, (c, n, ct) => BenchApi.CreateWorkspaceAsync(host.Api, $"w{c}-{n}", "bench", ct), cancellationToken);
        var (loadedQueue, loadedTable) = await loadedProbe;

        Console.WriteLine($"   GET  {reads.PerSecond,8:0.0}/s p50 {reads.P50Ms:0.0} ms p99 {reads.P99Ms:0.0} ms | raw read   {rawReads.PerSecond,8:0.0}/s p50 {rawReads.P50Ms:0.0} ms p99 {rawReads.P99Ms:0.0} ms");
        Console.WriteLine($"   POST {creates.PerSecond,8:0.0}/s p50 {creates.P50Ms:0.0} ms p99 {creates.P99Ms:0.0} ms | raw insert {rawCreates.PerSecond,8:0.0}/s p50 {rawCreates.P50Ms:0.0} ms p99 {rawCreates.P99Ms:0.0} ms");
        Console.WriteLine($"   bare engine schedule {schedules.PerSecond,8:0.0}/s p50 {schedules.P50Ms:0.0} ms p99 {schedules.P99Ms:0.0} ms");
        Console.WriteLine($"   probe beside POST: queue send p50 {loadedQueue.P50Ms:0.0} ms (quiet {quietQueue.P50Ms:0.0}) | table insert p50 {loadedTable.P50Ms:0.0} ms (quiet {quietTable.P50Ms:0.0})");
        double readRatio = reads.PerSecond / rawReads.PerSecond, createRatio = creates.PerSecond / rawCreates.PerSecond, engineRatio = creates.PerSecond / schedules.PerSecond;
        return
        [
            new(Name, "GET /api/workspaces/{id}", reads.PerSecond, "req/s", "raw TableClient point read", rawReads.PerSecond, readRatio, "ratio >= 0.7", $"{Clients} clients", readRatio >= 0.7, standIns),
            new(Name, "GET p50", reads.P50Ms, "ms", "raw point read p50", rawReads.P50Ms, rawReads.P50Ms / reads.P50Ms, null),
            new(Name, "GET p99", reads.P99Ms, "ms", "raw point read p99", rawReads.P99Ms, rawReads.P99Ms / reads.P99Ms, "< 50 ms", null, reads.P99Ms < 50),
            new(Name, "POST /api/workspaces (202) vs the engine", creates.PerSecond, "req/s", "bare engine ScheduleNewOrchestrationInstanceAsync", schedules.PerSecond, engineRatio, "ratio >= 0.8", $"{Clients} clients each; the engine's host stopped before POST", engineRatio >= 0.8, standIns),
            new(Name, "POST /api/workspaces (202)", creates.PerSecond, "req/s", "raw TableClient insert", rawCreates.PerSecond, createRatio, null, $"{Clients} clients; diagnostic since the engine row holds the goal", null, standIns),
            new(Name, "POST p50", creates.P50Ms, "ms", "raw insert p50", rawCreates.P50Ms, rawCreates.P50Ms / creates.P50Ms, null),
            new(Name, "POST p99", creates.P99Ms, "ms", "raw insert p99", rawCreates.P99Ms, rawCreates.P99Ms / creates.P99Ms, "< 300 ms (Coder's API guidance)", null, creates.P99Ms < 300),
            new(Name, "queue send p50 beside POST load", loadedQueue.P50Ms, "ms", "queue send p50, quiet", quietQueue.P50Ms, quietQueue.P50Ms / loadedQueue.P50Ms, null, "diagnostic: one raw caller"),
            new(Name, "table insert p50 beside POST load", loadedTable.P50Ms, "ms", "table insert p50, quiet", quietTable.P50Ms, quietTable.P50Ms / loadedTable.P50Ms, null, "diagnostic: one raw caller"),
        ];
    }

    static async Task<(LoadGenerator.Outcome Queue, LoadGenerator.Outcome Table)> ProbeAsync(QueueClient queue, TableClient table, string phase, TimeSpan duration, CancellationToken cancellationToken)
    {
        var queueProbe = LoadGenerator.RunAsync(1, duration, (_, n, ct) => queue.SendMessageAsync($"probe {n}", ct), cancellationToken);
        var tableProbe = LoadGenerator.RunAsync(1, duration, (_, n, ct) => table.AddEntityAsync(new TableEntity("probe", $"{phase}-{n}"), ct), cancellationToken);
        return (await queueProbe, await tableProbe);
    }

    static async Task GetAsync(HttpClient api, string id, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync($"/api/workspaces/{id}", cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {id} answered {(int)response.StatusCode}.");
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
    }

    static async Task<TableEntity> FindRowAsync(TableClient table, string id, CancellationToken cancellationToken)
    {
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.RowKey == id, cancellationToken: cancellationToken)) return row;
        throw new InvalidOperationException($"Workspace {id} has no row.");
    }
}
