using System.Text.Json;
using Coder.Agent.ControlPlane.Tests.Infrastructure;
using Coder.Agent.Tests.Infrastructure;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Local.Storage;
using Coder.Orchestrations.Agents;
using Xunit.Abstractions;

namespace Coder.Agent.ControlPlane.Tests;

/// <summary>kill -9 with events in the outbox, restart, and ingest (the control plane's real ingestor over Azurite).</summary>
public sealed class AgentCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KilledWithEventsInOutbox_RestartDeliversThem_IngestLosesNothingAndAppliesEachOnce()
    {
        await using var ingest = await IngestHarness.StartAsync();
        // The agent first sends to a port nothing listens on, so everything it writes stays in its outbox.
        string deadQueue = EmbeddedAzurite.ConnectionStringFor(AzuriteAccountKey.New(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "v1", heartbeatSeconds: 1, metricsSeconds: 600,
                scripts: [new ManifestScript("setup", "echo crash-test-log", 10, BlocksReady: true)]),
            agentQueueConnection: deadQueue, workspaceId: ingest.WorkspaceId, token: ingest.Token);
        await Eventually.WaitAsync(() => harness.Options.OutboxLines() >= 10, TimeSpan.FromSeconds(90), "events piling up in the outbox");

        await harness.Agent!.KillHardAsync();
        var written = ReadOutbox(harness.Options);
        Assert.Contains(written, e => e.Type == AgentEventTypes.Lifecycle);
        Assert.Contains(written, e => e.Type == AgentEventTypes.Log);

        var liveQueue = harness.Options with { QueueConnectionString = await SharedStorage.ConnectionStringAsync() };
        var restarted = harness.StartAgent(liveQueue);
        var outcomes = new Dictionary<long, List<IngestOutcome>>();
        var types = new Dictionary<long, string>();
        async Task IngestAsync(AgentEnvelope envelope, BinaryData body)
        {
            // Exactly what the queue trigger does: the envelope as sent, with the token it carries.
            var parsed = JsonSerializer.Deserialize<AgentEnvelope>(body, Coder.Orchestrations.Common.ServerJson.Options)!;
            var outcome = await ingest.Ingestor.IngestAsync(parsed, null, CancellationToken.None);
            if (!outcomes.TryGetValue(envelope.Seq, out var list)) outcomes[envelope.Seq] = list = [];
            list.Add(outcome);
            types[envelope.Seq] = envelope.Type;
        }

        long lastWritten = written.Max(e => e.Seq);
        await harness.WaitForAsync(r => r.Any(e => e.Seq > lastWritten + 3), TimeSpan.FromSeconds(90), "the outbox backlog and new events", IngestAsync);

        Assert.False(restarted.HasExited);
        long max = outcomes.Keys.Max();
        Assert.Equal(Enumerable.Range(1, (int)max).Select(i => (long)i), outcomes.Keys.Order());
        Assert.All(written, e => Assert.Contains(IngestOutcome.Applied, outcomes[e.Seq]));
        Assert.All(outcomes, o => Assert.Equal(1, o.Value.Count(x => x == IngestOutcome.Applied)));
        // Every applied seq left its marker, but heartbeats: their effect on the row is their dedup.
        var applied = await ingest.AppliedSeqsAsync(harness.Options.AgentId);
        Assert.Equal(types.Where(t => t.Value != AgentEventTypes.Heartbeat).Select(t => t.Key).Order(), applied.Order());

        // The restarted agent resumed: it did not report its lifecycle again, nor rerun its startup script.
        Assert.Equal([AgentLifecycle.Created, AgentLifecycle.Starting, AgentLifecycle.Ready], harness.Queue.Lifecycle());
        var timeline = await ingest.Timeline.ListAsync(ingest.WorkspaceId, 500, null, CancellationToken.None);
        Assert.Single(timeline, t => t.Kind == "log" && t.Message.Contains("crash-test-log", StringComparison.Ordinal));
        Assert.Single(timeline, t => t.Kind == "script.startup");
        Assert.Single(timeline, t => t.Kind == "agent.ready");
        var agents = await ingest.AgentsAsync();
        Assert.Equal(("ready", "connected"), (agents!.Lifecycle, agents.Connection));
        output.WriteLine($"{written.Count} events in the outbox at kill -9 (seq {written.Min(e => e.Seq)}..{lastWritten}); " +
            $"after restart ingest applied seq 1..{max} once each, {outcomes.Values.Sum(v => v.Count(x => x == IngestOutcome.Duplicate))} duplicates dropped");
    }

    static List<AgentEnvelope> ReadOutbox(AgentOptions options)
    {
        var envelopes = new List<AgentEnvelope>();
        foreach (string line in File.ReadAllLines(Path.Combine(options.StateDirectory, "outbox.jsonl")))
        {
            if (line.Length == 0) continue;
            try
            {
                envelopes.Add(JsonSerializer.Deserialize(line, CoderJsonContext.Default.AgentEnvelope)!);
            }
            catch (JsonException)
            {
                // A torn last line: the agent never counted that event as written.
            }
        }

        return envelopes;
    }
}
