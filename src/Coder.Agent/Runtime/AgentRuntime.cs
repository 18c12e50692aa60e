using Coder.Contracts.Connect;
using System.Net;
using Coder.Agent.Configuration;
using Coder.Agent.Connect;
using Coder.Agent.ControlPlane;
using Coder.Agent.Diagnostics;
using Coder.Agent.Lifecycle;
using Coder.Agent.Metrics;
using Coder.Agent.Outbox;
using Coder.Agent.Plugins;
using Coder.Agent.Repositories;
using Coder.Agent.Scripts;
using Coder.Agent.Sessions;
using Coder.Agent.Transport;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Runtime;

/// <summary>
/// The agent's main flow: report <c>created</c>, fetch the manifest, report <c>starting</c>, run the startup scripts, report
/// the outcome, then heartbeat, meter, serve sessions and run plugins as named routines until SIGTERM; then report
/// <c>shutting_down</c>, run the shutdown scripts, report <c>off</c> and flush the outbox within a bounded time.
/// </summary>
public sealed class AgentRuntime(AgentSettings settings, TimeProvider time, AgentLoggers loggers)
{
    readonly ILogger _logger = loggers.Create("agent");
    DrainResponder? _drain;

    // A handed-over token (a claimed warm-pool member) is kept in the state folder: after a restart it replaces the issued one.
    readonly AgentCredential _credential = RotatedTokenFile.Open(settings.StateDirectory, settings.Token, loggers.Create("credential"));

    public async Task RunAsync(CancellationToken shutdown)
    {
        var startedAt = time.GetUtcNow();
        Directory.CreateDirectory(settings.StateDirectory);
        using var outbox = EventOutbox.Open(settings.StateDirectory, settings.WorkspaceId, settings.AgentId, settings.OutboxCapacity, time,
            loggers.Create("outbox"));
        var lifecycle = new LifecycleReporter(outbox, settings.StateDirectory, settings.AgentId, loggers.Create("lifecycle"));
        using var http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AutomaticDecompression = DecompressionMethods.None,
        }) { Timeout = TimeSpan.FromSeconds(15) };
        var manifestClient = new ManifestClient(http, settings.ControlPlaneUrl, _credential, time, loggers.Create("manifest"));
        await using var transport = EventTransportFactory.Create(settings, _credential, http);
        Log.AgentStarting(_logger, settings.WorkspaceId, settings.AgentId, settings.Transport, outbox.PendingCount);

        ManifestState? manifest = null;
        var sender = new EventSender(outbox, transport, version =>
        {
            // The HTTP transport learns the control plane's config version from each reply: a new one means re-fetch now.
            if (manifest is { } known && known.Current.ConfigVersion != version) _ = RefreshManifestAsync(known, manifestClient, shutdown);
        }, time, loggers.Create("sender"));
        using var senderStop = new CancellationTokenSource();
        using var routinesStop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var senderRoutines = new RoutineGroup(time, _logger);
        var routines = new RoutineGroup(time, _logger);
        senderRoutines.Start("sender", sender.RunAsync, senderStop.Token);

        var processes = new WorkspaceProcesses();
        var scripts = new ScriptRunner(settings, outbox, processes, time, loggers.Create("scripts"));
        try
        {
            lifecycle.Report(AgentLifecycle.Created);
            manifest = new ManifestState(await manifestClient.FetchInitialAsync(shutdown), settings.HeartbeatSecondsOverride);
            lifecycle.Report(AgentLifecycle.Starting);

            var sessions = new SessionTracker(outbox, time);
            _drain = new DrainResponder(outbox, sessions);
            var plugins = new PluginResults();
            var collector = new MetricsCollector(settings, new ProcessTreeSampler(processes, time), CgroupInfo.Detect(), sessions, plugins,
                outbox, startedAt, time);
            var state = manifest;
            var heartbeat = new HeartbeatLoop(manifest, outbox, sender, settings.Replica.ToString(System.Globalization.CultureInfo.InvariantCulture), startedAt, time,
                ct => RefreshManifestAsync(state, manifestClient, ct));
            routines.Start("heartbeat", heartbeat.RunAsync, routinesStop.Token);
            routines.Start("metrics", ct => MetricsLoopAsync(manifest, collector, outbox, ct), routinesStop.Token);
            routines.Start("sessions", new SessionSocketServer(settings.SocketPath, sessions, loggers.Create("sessions")).RunAsync, routinesStop.Token);
            routines.Start("relay", ct => RelayLoopAsync(manifest, scripts, http, sessions, ct), routinesStop.Token);
            var personalizer = new RepositoryCloner(settings, scripts, outbox, processes, time, loggers.Create("repositories"));
            routines.Start("claim", new ClaimWatcher(manifest, manifestClient, _credential, async (m, ct) =>
            {
                // Repositories are already cloned (they are left alone); what is new is the owner's: dotfiles, and the
                // parameters and secrets that shells and commands read from the current manifest.
                await personalizer.PrepareAsync(m, ct);
                Log.Personalized(_logger, m.ConfigVersion, m.Secrets.Count, m.Dotfiles is not null);
            }, time, loggers.Create("claim")).RunAsync, routinesStop.Token);
            routines.Start("plugins", new PluginSupervisor(settings, manifest, scripts, plugins, processes, outbox, time, loggers.Create("plugins")).RunAsync,
                routinesStop.Token);

            if (lifecycle.Current is { } current && AgentLifecycleOrder.Rank(current) >= AgentLifecycleOrder.Rank(AgentLifecycle.Ready))
            {
                // Restarted after a crash with the same agent id: the startup scripts already ran for this agent.
                Log.StartupSkipped(_logger, current);
            }
            else
            {
                var cloner = new RepositoryCloner(settings, scripts, outbox, processes, time, loggers.Create("repositories"));
                await RunStartupAsync(manifest.Current, cloner, scripts, lifecycle, shutdown);
            }
            await Task.Delay(Timeout.Infinite, shutdown);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // SIGTERM: fall through to the shutdown sequence.
        }

        await routinesStop.CancelAsync();
        await routines.WhenAllStoppedAsync();
        lifecycle.Report(AgentLifecycle.ShuttingDown);
        foreach (var script in manifest?.Current.ShutdownScripts ?? [])
        {
            await scripts.RunAsync(script, ScriptRunner.ShutdownPhase, manifest!.Current, CancellationToken.None);
        }
        lifecycle.Report(AgentLifecycle.Off);
        await senderStop.CancelAsync();
        await senderRoutines.WhenAllStoppedAsync();
        bool flushed = await sender.FlushAsync(settings.ShutdownFlushTimeout);
        Log.AgentStopped(_logger, flushed, outbox.PendingCount);
    }

    /// <summary>
    /// Listens on the relay while the manifest carries <c>connect</c>: a manifest that gains it starts the listener, one that
    /// changes it restarts it, one that drops it stops it; other manifest changes leave open connections alone.
    /// </summary>
    async Task RelayLoopAsync(ManifestState manifest, ScriptRunner scripts, HttpClient http, SessionTracker sessions, CancellationToken cancellationToken)
    {
        AgentConnectSettings? running = null;
        CancellationTokenSource? stop = null;
        Task serving = Task.CompletedTask;
        try
        {
            while (true)
            {
                var changed = manifest.ChangeToken;
                if (manifest.Current.Connect != running)
                {
                    if (stop is not null) await stop.CancelAsync();
                    await serving;
                    stop?.Dispose();
                    (running, stop, serving) = (manifest.Current.Connect, null, Task.CompletedTask);
                    if (running is not null)
                    {
                        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                        serving = CreateRelayServer(running, manifest, scripts, http, sessions).RunAsync(stop.Token);
                    }
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, changed);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, time, wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The manifest changed: compare its connect with the running one.
                }
            }
        }
        finally
        {
            if (stop is not null) await stop.CancelAsync();
            await serving;
            stop?.Dispose();
        }
    }

    /// <summary>The relay listener the manifest's <c>connect</c> asks for, with tokens and SSH keys from the control plane.</summary>
    RelayConnectServer CreateRelayServer(AgentConnectSettings connect, ManifestState manifest, ScriptRunner scripts, HttpClient http, SessionTracker sessions)
    {
        var client = new ConnectClient(http, settings.ControlPlaneUrl, _credential);
        var mux = settings.ConnectOptions with
        {
            MaxSessionsPerConnection = Math.Max(1, connect.MaxSessionsPerConnection),
            Ssh = new SshServer(SshServer.Locate(), settings.StateDirectory, client.GetAuthorizedKeysAsync),
            // Shells and commands get what scripts get, from the manifest current when each starts.
            Environment = environment => scripts.ApplyEnvironment(environment, manifest.Current),
        };
        return new RelayConnectServer(new Uri(connect.RelayUrl), connect.Path, Math.Max(1, connect.MaxConnections), mux,
            RelayTokenCache.For(client, settings.Replica, time).Provider, sessions, time, loggers.Create("relay"));
    }

    async Task RunStartupAsync(AgentManifest manifest, RepositoryCloner cloner, ScriptRunner scripts, LifecycleReporter lifecycle, CancellationToken shutdown)
    {
        using var readyDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, manifest.ReadyTimeoutSeconds)), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(readyDeadline.Token, shutdown);

        // Repositories and dotfiles come first: the startup scripts may build what they cloned.
        string? cloneFailure = await cloner.PrepareAsync(manifest, linked.Token);
        shutdown.ThrowIfCancellationRequested();
        if (readyDeadline.IsCancellationRequested)
        {
            lifecycle.Report(AgentLifecycle.StartTimeout, $"the ready timeout of {manifest.ReadyTimeoutSeconds}s passed while repositories were cloned");
            return;
        }
        if (cloneFailure is not null)
        {
            lifecycle.Report(AgentLifecycle.StartError, cloneFailure);
            return;
        }

        foreach (var script in manifest.Scripts)
        {
            var outcome = await scripts.RunAsync(script, ScriptRunner.StartupPhase, manifest, linked.Token);
            shutdown.ThrowIfCancellationRequested();
            if (outcome.Canceled)
            {
                lifecycle.Report(AgentLifecycle.StartTimeout,
                    $"the ready timeout of {manifest.ReadyTimeoutSeconds}s passed while script '{script.Name}' ran");
                return;
            }
            if (!script.BlocksReady || outcome.Succeeded) continue;
            if (outcome.TimedOut)
            {
                lifecycle.Report(AgentLifecycle.StartTimeout, $"script '{script.Name}' timed out after {script.TimeoutSeconds}s");
            }
            else
            {
                lifecycle.Report(AgentLifecycle.StartError,
                    outcome.ExitCode is { } code ? $"script '{script.Name}' exited with code {code}" : $"script '{script.Name}' could not start");
            }
            return;
        }
        lifecycle.Report(AgentLifecycle.Ready);
    }

    async Task RefreshManifestAsync(ManifestState manifest, ManifestClient client, CancellationToken cancellationToken)
    {
        try
        {
            var fetch = await client.FetchAsync(manifest.Current.ConfigVersion, cancellationToken);
            if (fetch.Manifest is { } next && manifest.TryUpdate(next))
            {
                Log.ManifestApplied(_logger, next.ConfigVersion, next.Intervals.HeartbeatSeconds, next.Intervals.MetricsSeconds, next.Plugins.Count);
                _drain?.Observe(next);
            }
        }
        catch (Exception ex) when (ManifestClient.IsTransient(ex, cancellationToken))
        {
            Log.ManifestUnavailable(_logger, ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    async Task MetricsLoopAsync(ManifestState manifest, MetricsCollector collector, EventOutbox outbox, CancellationToken cancellationToken)
    {
        collector.Collect(); // primes the CPU baseline so the first report covers a real interval
        var last = time.GetUtcNow();
        while (true)
        {
            while (!await IntervalWait.UntilAsync(last + manifest.MetricsInterval, time, manifest.ChangeToken, cancellationToken))
            {
                // The interval changed while waiting.
            }
            last = time.GetUtcNow();
            var metrics = collector.Collect();
            outbox.Append(AgentEventTypes.Metrics, metrics, CoderJsonContext.Default.MetricsPayload);
            if (metrics.Custom?.GetValueOrDefault(MetricsCollector.OutboxDroppedMetric) is > 0 and var dropped)
            {
                outbox.Append(AgentEventTypes.Custom,
                    new CustomPayload(CustomEventKinds.OutboxDropped, "outbox", Values: new Dictionary<string, double> { ["dropped"] = dropped }),
                    CoderJsonContext.Default.CustomPayload);
            }
        }
    }
}
