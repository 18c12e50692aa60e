using Coder.Agent.Outbox;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Agent.Tests.Outbox;

/// <summary>The durable outbox on real files: bounded, drops metrics first, resumes after a restart without repeating a seq.</summary>
public sealed class EventOutboxTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "coder-outbox-test-" + Guid.NewGuid().ToString("N")[..8]);

    EventOutbox Open(int capacity = 1000) => EventOutbox.Open(_directory, "ws-outbox", "agent-outbox", capacity, TimeProvider.System, NullLogger.Instance);

    static void Lifecycle(EventOutbox outbox, AgentLifecycle state) =>
        outbox.Append(AgentEventTypes.Lifecycle, new LifecyclePayload(state), CoderJsonContext.Default.LifecyclePayload);

    static void Metrics(EventOutbox outbox, int marker) =>
        outbox.Append(AgentEventTypes.Metrics, new MetricsPayload { Processes = marker }, CoderJsonContext.Default.MetricsPayload);

    static void Script(EventOutbox outbox) =>
        outbox.Append(AgentEventTypes.Script, new ScriptPayload("s", "startup", 0, 1, false, true), CoderJsonContext.Default.ScriptPayload);

    [Fact]
    public void Append_WhenFull_DropsOldestMetricsFirst_KeepsLifecycleAndScript_CountsTheDrops()
    {
        using var outbox = Open(capacity: 20);
        Lifecycle(outbox, AgentLifecycle.Created);
        Script(outbox);
        for (int i = 0; i < 40; i++) Metrics(outbox, i);
        Lifecycle(outbox, AgentLifecycle.Ready);

        var pending = outbox.Peek(1000);
        Assert.InRange(pending.Count, 1, 20);
        Assert.Equal(2, pending.Count(e => e.Type == AgentEventTypes.Lifecycle));
        Assert.Single(pending, e => e.Type == AgentEventTypes.Script);
        var keptMetrics = pending.Where(e => e.Type == AgentEventTypes.Metrics).Select(e => e.Seq).ToList();
        // Oldest first: what is left is the newest run of metrics, ending with the last one written.
        Assert.Equal(Enumerable.Range((int)(42 - keptMetrics.Count + 1), keptMetrics.Count).Select(i => (long)i), keptMetrics);
        Assert.Equal(40 - keptMetrics.Count, outbox.TakeDroppedCount());
        Assert.Equal(0, outbox.TakeDroppedCount());
        Assert.Equal(pending.Select(e => e.Seq).Order(), pending.Select(e => e.Seq));
    }

    [Fact]
    public void Append_WhenFullOfLifecycleAndScripts_NeverDropsThem()
    {
        using var outbox = Open(capacity: 16);
        for (int i = 0; i < 30; i++) Script(outbox);

        Assert.Equal(30, outbox.PendingCount);
        Assert.Equal(0, outbox.TakeDroppedCount());
    }

    [Fact]
    public void Reopen_ResumesAfterTheAcknowledgedSeq_AndNeverReusesASeq()
    {
        using (var outbox = Open())
        {
            for (int i = 0; i < 5; i++) Metrics(outbox, i);
            outbox.Acknowledge(3);
        }

        using var reopened = Open();
        Assert.Equal([4L, 5L], reopened.Peek(100).Select(e => e.Seq));
        Metrics(reopened, 99);
        Assert.Equal([4L, 5L, 6L], reopened.Peek(100).Select(e => e.Seq));
        Assert.Equal(3, reopened.AckedSeq);
    }

    [Fact]
    public void Reopen_AfterATornLastLine_KeepsEveryCompleteEvent()
    {
        using (var outbox = Open())
        {
            for (int i = 0; i < 3; i++) Metrics(outbox, i);
        }

        // A crash in the middle of a write leaves half a line.
        File.AppendAllText(Path.Combine(_directory, "outbox.jsonl"), "{\"workspaceId\":\"ws-outbox\",\"agentId\":\"agent-outbox\",\"seq\":4,\"sentAt");

        using var reopened = Open();
        Assert.Equal([1L, 2L, 3L], reopened.Peek(100).Select(e => e.Seq));
        Metrics(reopened, 7);
        Assert.Equal(4, reopened.Peek(100)[^1].Seq);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }
}
