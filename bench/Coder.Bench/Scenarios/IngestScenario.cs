using System.Diagnostics;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Coder.Contracts.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Bench.Scenarios;

/// <summary>
/// Agent heartbeats through the agent-events queue into observed state by the real ingest (the local host's queue
/// trigger: token check, workspace row read, dedup against that row, ETag-guarded row update), against a raw consumer of
/// the same events on the same Azurite: receive 16, upsert one row per workspace, delete. Both are timed from the first
/// send to an empty queue.
/// </summary>
public sealed class IngestScenario : IBenchmarkScenario
{
    const int Workspaces = 32;

    /// <summary>The queue trigger's batch, which the raw consumer copies.</summary>
    const int Batch = 16;

    public string Name => "ingest";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        // 1,500 keep each phase near 20 s at the emulator's queue rate (~75 events/s), enough for a stable ratio inside the 10-minute budget.
        int events = context.Quick ? 600 : 1_500;
        var agent = new ReadyAtOnceAgent();
        await using var host = await BenchLocalHost.StartAsync(context, new NoOpProvisioner(agent), null, cancellationToken);
        await BenchApi.CreateTemplateAsync(host.Api, "bench", cancellationToken);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        await Task.WhenAll(Enumerable.Range(0, Workspaces).Select(async i =>
        {
            var (_, operation) = await BenchApi.CreateWorkspaceWithOperationAsync(host.Api, $"ingest{i}", "bench", cancellationToken);
            await client.WaitForInstanceCompletionAsync(operation, cancellationToken);
        }));

        var specs = agent.Started.Values.ToArray();
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var productQueue = new QueueClient(context.StorageConnectionString, specs[0].AgentEnvironment["CODER_AGENT_QUEUE_NAME"], options);
        var rawQueue = new QueueClient(context.StorageConnectionString, host.Prefix + "bench-raw-events", options);
        await rawQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var rawTable = new TableClient(context.StorageConnectionString, host.Prefix + "BenchRawObserved");
        await rawTable.CreateIfNotExistsAsync(cancellationToken);

        // Seq 1 was the ready event; heartbeats follow, a millisecond apart so each one is newer than the last.
        var start = DateTimeOffset.UtcNow;
        string[] bodies = [.. Enumerable.Range(0, events).Select(i => Heartbeat(specs[i % specs.Length], 2 + i / specs.Length, start.AddMilliseconds(i)))];

        double raw = await MeasureAsync(rawQueue, bodies, () => RawConsumeAsync(rawQueue, rawTable, events, cancellationToken), cancellationToken);
        double product = await MeasureAsync(productQueue, bodies, () => Task.CompletedTask, cancellationToken);
        Console.WriteLine($"   ingest {product:0.0} events/s | raw receive + upsert {raw:0.0} events/s ({events} heartbeats over {specs.Length} workspaces)");
        double ratio = product / raw;
        return
        [
            new(Name, $"{events} heartbeats → observed state", product, "ev/s", "raw receive 16 + upsert + delete", raw, ratio, "ratio >= 0.7", $"{specs.Length} workspaces", ratio >= 0.7,
                ["NoOpProvisioner and ReadyAtOnceAgent (to create the workspaces only); the events are real agent envelopes"]),
        ];
    }

    static string Heartbeat(WorkspaceResourceSpec spec, long seq, DateTimeOffset sentAt)
    {
        var envelope = new AgentEnvelope(spec.Workspace.WorkspaceId, AgentIds.For(spec.Workspace.WorkspaceId, spec.BuildId, 0), seq, sentAt,
            AgentEventTypes.Heartbeat, JsonSerializer.SerializeToElement(new HeartbeatPayload(null, seq), ServerJson.Options), spec.AgentEnvironment["CODER_AGENT_TOKEN"]);
        return JsonSerializer.Serialize(envelope, ServerJson.Options);
    }

    /// <summary>Sends every body (32 senders) while <paramref name="consume"/> runs; events/s from the first send to an empty queue.</summary>
    static async Task<double> MeasureAsync(QueueClient queue, string[] bodies, Func<Task> consume, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        var consumer = Task.Run(consume, cancellationToken);
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < bodies.Length; i = Interlocked.Increment(ref next)) await queue.SendMessageAsync(bodies[i], cancellationToken);
        }, cancellationToken)));
        await consumer;

        // The count includes messages being handled (invisible), so zero means every one was applied and deleted.
        while ((await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount > 0) await Task.Delay(20, cancellationToken);
        return bodies.Length / sw.Elapsed.TotalSeconds;
    }

    /// <summary>The floor any ingest pays: the trigger's receive loop with one upsert per event and the delete.</summary>
    static async Task RawConsumeAsync(QueueClient queue, TableClient table, int expected, CancellationToken cancellationToken)
    {
        int handled = 0;
        while (handled < expected)
        {
            var messages = (await queue.ReceiveMessagesAsync(Batch, TimeSpan.FromMinutes(5), cancellationToken)).Value;
            if (messages.Length == 0)
            {
                await Task.Delay(25, cancellationToken);
                continue;
            }

            await Task.WhenAll(messages.Select(async m =>
            {
                var envelope = JsonSerializer.Deserialize<AgentEnvelope>(m.Body, ServerJson.Options)!;
                var row = new TableEntity(envelope.WorkspaceId, "")
                {
                    ["LastHeartbeatAt"] = envelope.SentAt,
                    ["AgentConnection"] = "connected",
                };
                await table.UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken);
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, cancellationToken);
            }));
            handled += messages.Length;
        }
    }
}
