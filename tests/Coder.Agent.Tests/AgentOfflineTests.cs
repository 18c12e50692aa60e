using System.Diagnostics;
using Coder.Agent.Tests.Infrastructure;
using Coder.Contracts.Agents;
using Xunit.Abstractions;

namespace Coder.Agent.Tests;

/// <summary>The queue service goes away for 60 s while the agent runs (its own Azurite, stopped and started again).</summary>
public sealed class AgentOfflineTests(ITestOutputHelper output)
{
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task QueueDownFor60Seconds_EventsWrittenMeanwhileArriveExactlyOnceInSeqOrder()
    {
        await using var azurite = new StoppableAzurite();
        await azurite.StartAsync();
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "v1", heartbeatSeconds: 1, metricsSeconds: 1),
            agentQueueConnection: azurite.ConnectionString, readQueueConnection: azurite.ConnectionString);
        await harness.WaitForAsync(r => harness.Queue.Lifecycle().Contains(AgentLifecycle.Ready) && r.Count(e => e.Type == AgentEventTypes.Heartbeat) >= 2,
            TimeSpan.FromSeconds(90), "ready and heartbeats before the outage");

        await azurite.StopAsync();
        var stoppedAt = DateTimeOffset.UtcNow;
        var outage = Stopwatch.StartNew();
        int outboxAtStop = harness.Options.OutboxLines();
        // The outage lasts 60 s by the issue; meanwhile the agent keeps writing to its outbox.
        await Eventually.WaitAsync(() => outage.Elapsed >= Outage && !harness.Agent!.HasExited, Outage + TimeSpan.FromSeconds(15), "60 s of outage");
        int outboxAtRestart = harness.Options.OutboxLines();
        await azurite.StartAsync();
        var restartedAt = DateTimeOffset.UtcNow;

        // Backoff tops out at 30 s, so the agent is back within that; the backlog goes first, in seq order.
        var received = await harness.WaitForAsync(r => r.Any(e => e.SentAt > restartedAt.AddSeconds(1)), TimeSpan.FromSeconds(90), "the backlog after the outage");

        var seqs = received.Select(e => e.Seq).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Distinct().Count(), seqs.Count);
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        var duringOutage = received.Where(e => e.SentAt > stoppedAt && e.SentAt < restartedAt).ToList();
        double outageSeconds = (restartedAt - stoppedAt).TotalSeconds;
        output.WriteLine($"outage {outageSeconds:0.0} s (Azurite's restart included): {duringOutage.Count} events written meanwhile " +
            $"({duringOutage.Count(e => e.Type == AgentEventTypes.Heartbeat)} heartbeats, {duringOutage.Count(e => e.Type == AgentEventTypes.Metrics)} metrics), " +
            $"outbox lines {outboxAtStop} -> {outboxAtRestart}; seqs {seqs[0]}..{seqs[^1]} each once, in order " +
            $"({harness.Queue.Redelivered} redelivered copies dropped by (agentId, seq), as ingest drops them)");
        // One heartbeat and one metrics event per second for at least 60 s: 120 or more, never more than two a second.
        Assert.InRange(duringOutage.Count, 100, (int)(2 * outageSeconds) + 4);
        Assert.True(outboxAtRestart - outboxAtStop >= 100, $"the outbox grew by {outboxAtRestart - outboxAtStop} lines during the outage");
        Assert.Equal(duringOutage.Count, duringOutage.Select(e => e.Seq).Distinct().Count());
    }
}
