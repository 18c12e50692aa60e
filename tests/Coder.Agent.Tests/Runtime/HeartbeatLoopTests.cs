using Coder.Agent.Outbox;
using Coder.Agent.Runtime;
using Coder.Agent.Tests.Infrastructure;
using Coder.Agent.Transport;
using Coder.Contracts.Agents;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Agent.Tests.Runtime;

/// <summary>
/// The heartbeat routine polls the manifest only when the control plane has not told its config version since the last
/// beat: on HTTP (whose replies carry it) one request per heartbeat, on the queue transports a poll every beat.
/// </summary>
public sealed class HeartbeatLoopTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "coder-heartbeat-test-" + Guid.NewGuid().ToString("N")[..8]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Beats_PollTheManifest_OnlyWhenNoReplySaidTheConfigVersion(bool repliesCarryTheVersion)
    {
        using var outbox = EventOutbox.Open(_directory, "ws-beat", "ws-beat-b1-r0", 100, TimeProvider.System, NullLogger.Instance);
        var transport = new RecordingTransport(repliesCarryTheVersion ? "v1" : null);
        var sender = new EventSender(outbox, transport, _ => { }, TimeProvider.System, NullLogger.Instance);
        var manifest = new ManifestState(ManifestEndpoint.Create("ws-beat", "v1", heartbeatSeconds: 1), null);
        int polls = 0;
        var loop = new HeartbeatLoop(manifest, outbox, sender, "0", DateTimeOffset.UtcNow, TimeProvider.System, _ =>
        {
            Interlocked.Increment(ref polls);
            return Task.CompletedTask;
        });

        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(sender.RunAsync(stop.Token), loop.RunAsync(stop.Token));
        await Eventually.WaitAsync(() => transport.Heartbeats >= 4, TimeSpan.FromSeconds(30), "four heartbeats delivered");
        int polled = Volatile.Read(ref polls), beats = transport.Heartbeats;
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        // The first beat follows the initial fetch, so it never polls; on a queue every later one does.
        if (repliesCarryTheVersion) Assert.Equal(0, polled);
        else Assert.InRange(polled, beats - 2, beats);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>Delivers everything at once; answers with a config version as the HTTP transport does, or without as a queue.</summary>
    sealed class RecordingTransport(string? configVersion) : IEventTransport
    {
        int _heartbeats;

        public int Heartbeats => Volatile.Read(ref _heartbeats);

        public int MaxBatchSize => 100;

        public Task<TransportSendResult> SendAsync(IReadOnlyList<AgentEnvelope> envelopes, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _heartbeats, envelopes.Count(e => e.Type == AgentEventTypes.Heartbeat));
            return Task.FromResult(new TransportSendResult(envelopes.Count, null, configVersion));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
