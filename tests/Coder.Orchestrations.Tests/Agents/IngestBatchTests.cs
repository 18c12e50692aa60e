using System.Text.Json;
using Coder.Contracts.Agents;
using Coder.Orchestrations.Agents;

namespace Coder.Orchestrations.Tests.Agents;

/// <summary>Batching ingest per agent: only heartbeats that a later heartbeat of the same agent covers are left out.</summary>
public sealed class IngestBatchTests
{
    static readonly DateTimeOffset At = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Backlog_OfOneAgent_AppliesItsLastHeartbeat_AndEveryOtherEvent()
    {
        AgentEnvelope[] batch =
        [
            Envelope("a", 1, 0, AgentEventTypes.Heartbeat),
            Envelope("a", 2, 1, AgentEventTypes.Metrics),
            Envelope("a", 3, 5, AgentEventTypes.Heartbeat),
            Envelope("a", 4, 6, AgentEventTypes.Log),
            Envelope("a", 5, 10, AgentEventTypes.Heartbeat),
        ];

        Assert.Equal([4, -1, 4, -1, -1], IngestBatch.SupersededBy(batch));
    }

    [Fact]
    public void Heartbeats_OfOtherAgents_OrNotOlder_AreAllApplied()
    {
        AgentEnvelope[] batch =
        [
            Envelope("a", 1, 5, AgentEventTypes.Heartbeat),
            Envelope("b", 1, 6, AgentEventTypes.Heartbeat),
            Envelope("a", 2, 4, AgentEventTypes.Heartbeat), // older than the one before it: that one stays, and so does this
            Envelope("b", 2, 7, AgentEventTypes.Lifecycle),
        ];

        Assert.Equal([-1, -1, -1, -1], IngestBatch.SupersededBy(batch));
    }

    static AgentEnvelope Envelope(string agent, long seq, int second, string type) =>
        new("ws-1", agent, seq, At.AddSeconds(second), type, JsonSerializer.SerializeToElement(new { }), null);
}
