using System.Runtime.Versioning;
using Coder.Agent.ControlPlane;
using Coder.Agent.Outbox;
using Coder.Agent.Runtime;
using Coder.Agent.Transport;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// A stand-in for one workspace's agent, run as a task: the agent's own durable outbox (<see cref="EventOutbox"/>), sender
/// (<see cref="EventSender"/>), HTTP transport (<see cref="HttpEventTransport"/>) and manifest client, with the agent's real
/// token, at the heartbeat and metrics intervals its manifest hands out, with the agent's own heartbeat routine
/// (<see cref="HeartbeatLoop"/>); a new config version (from a poll or an ingest reply) is applied at once. What it does not
/// run: scripts, sessions, the relay, plugins, and a real metrics collector (its metrics are synthetic).
/// </summary>
[SupportedOSPlatform("linux")]
sealed class SimulatedAgent : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly string _stateDirectory;
    readonly Task _running;

    SimulatedAgent(SimulatedAgentIdentity identity, HttpClient http, string stateDirectory, FleetLagRecorder lag, FleetIntervals intervals, TimeSpan stagger, bool reportLifecycle)
    {
        _stateDirectory = stateDirectory;
        _running = Task.Run(() => RunAsync(identity, http, lag, intervals, stagger, reportLifecycle, _stop.Token));
    }

    /// <param name="stagger">How long to wait before the first heartbeat: a fleet whose agents all started at once would beat in lockstep.</param>
    /// <param name="reportLifecycle">A freshly started workspace reports created → starting → ready; a seeded (already ready) one does not.</param>
    public static SimulatedAgent Start(SimulatedAgentIdentity identity, HttpClient http, string stateRoot, FleetLagRecorder lag, FleetIntervals intervals, TimeSpan stagger, bool reportLifecycle) =>
        new(identity, http, Path.Combine(stateRoot, identity.AgentId), lag, intervals, stagger, reportLifecycle);

    async Task RunAsync(SimulatedAgentIdentity identity, HttpClient http, FleetLagRecorder lag, FleetIntervals intervals, TimeSpan stagger, bool reportLifecycle, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var startedAt = time.GetUtcNow();
        using var outbox = EventOutbox.Open(_stateDirectory, identity.WorkspaceId, identity.AgentId, 1000, time, NullLogger.Instance);
        await using var transport = new LagRecordingTransport(new HttpEventTransport(http, identity.ControlPlane, identity.Token), lag, time);
        var manifests = new ManifestClient(http, identity.ControlPlane, identity.Token, time, NullLogger.Instance);
        ManifestState? manifest = null;
        var sender = new EventSender(outbox, transport, version =>
        {
            if (manifest is { } known && known.Current.ConfigVersion != version) _ = RefreshAsync(known, manifests, cancellationToken).ContinueWith(_ => intervals.Observe(known.HeartbeatInterval, known.MetricsInterval), TaskScheduler.Default);
        }, time, NullLogger.Instance);
        var sending = sender.RunAsync(cancellationToken);
        try
        {
            if (reportLifecycle) outbox.Append(AgentEventTypes.Lifecycle, new LifecyclePayload(AgentLifecycle.Created), CoderJsonContext.Default.LifecyclePayload);
            await Task.Delay(stagger, time, cancellationToken);
            manifest = new ManifestState(await manifests.FetchInitialAsync(cancellationToken), null);
            intervals.Observe(manifest.HeartbeatInterval, manifest.MetricsInterval);
            if (reportLifecycle)
            {
                outbox.Append(AgentEventTypes.Lifecycle, new LifecyclePayload(AgentLifecycle.Starting), CoderJsonContext.Default.LifecyclePayload);
                outbox.Append(AgentEventTypes.Lifecycle, new LifecyclePayload(AgentLifecycle.Ready), CoderJsonContext.Default.LifecyclePayload);
            }

            var state = manifest;
            var heartbeat = new HeartbeatLoop(manifest, outbox, sender, "0", startedAt, time, async ct =>
            {
                await RefreshAsync(state, manifests, ct);
                intervals.Observe(state.HeartbeatInterval, state.MetricsInterval);
            });
            await Task.WhenAll(heartbeat.RunAsync(cancellationToken), MetricsLoopAsync(manifest, outbox, startedAt, time, cancellationToken), sending);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: its workspace stopped, or the step ended.
        }
    }

    static async Task MetricsLoopAsync(ManifestState manifest, EventOutbox outbox, DateTimeOffset startedAt, TimeProvider time, CancellationToken cancellationToken)
    {
        // The first report one interval after start, spread as the heartbeats are (the agent primes its collector first).
        var last = time.GetUtcNow() - TimeSpan.FromSeconds(Random.Shared.NextDouble() * manifest.MetricsInterval.TotalSeconds);
        while (true)
        {
            while (!await IntervalWait.UntilAsync(last + manifest.MetricsInterval, time, manifest.ChangeToken, cancellationToken))
            {
                // The interval changed while waiting.
            }

            last = time.GetUtcNow();
            outbox.Append(AgentEventTypes.Metrics, new MetricsPayload
            {
                CpuPercent = Math.Round(5 + Random.Shared.NextDouble() * 20, 2),
                MemoryBytes = 256L << 20,
                MemoryPercent = 50,
                DiskUsedBytes = 1L << 30,
                Processes = 12,
                Sessions = 0,
                UptimeSeconds = (long)(last - startedAt).TotalSeconds,
                Replica = "0",
            }, CoderJsonContext.Default.MetricsPayload);
        }
    }

    static async Task RefreshAsync(ManifestState manifest, ManifestClient manifests, CancellationToken cancellationToken)
    {
        try
        {
            var fetch = await manifests.FetchAsync(manifest.Current.ConfigVersion, cancellationToken);
            if (fetch.Manifest is { } next) manifest.TryUpdate(next);
        }
        catch (Exception ex) when (ManifestClient.IsTransient(ex, cancellationToken))
        {
            // As the agent: an unreachable control plane is retried at the next heartbeat.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        try { Directory.Delete(_stateDirectory, recursive: true); } catch (IOException) { }
    }
}
