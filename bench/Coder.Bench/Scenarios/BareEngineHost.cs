using Coder.Local.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Bench.Scenarios;

/// <summary>
/// The baselines' durable engine: the same kind of sidecar as the local host (<see cref="DurableSidecar"/>, default options)
/// on the bench's Azurite with a task hub of its own, a worker that knows only <see cref="BareEngineOrchestrator"/>, and a client.
/// </summary>
public sealed class BareEngineHost : IAsyncDisposable
{
    /// <summary>
    /// The engine floor: the five activities of ProvisionWorkspaceOrchestrator's happy path before orchestration
    /// version 1.2 (step started, ensure, step agent-starting, check agent, complete). From 1.2 the provision runs three
    /// (started + ensure, agent-starting + first check, complete); the baseline keeps five so the goal stays the one set.
    /// </summary>
    public const int ProvisionActivities = 5;

    readonly ILoggerFactory _logs;
    readonly DurableSidecar _sidecar;
    readonly IHost _host;

    BareEngineHost(ILoggerFactory logs, DurableSidecar sidecar, IHost host)
    {
        _logs = logs;
        _sidecar = sidecar;
        _host = host;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
    }

    public DurableTaskClient Client { get; }

    public static async Task<BareEngineHost> StartAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var logs = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        string hub = "bench" + Guid.NewGuid().ToString("N")[..6] + "bare";
        var sidecar = await DurableSidecar.StartAsync(context.StorageConnectionString!, new DurableSidecarOptions { TaskHub = hub }, logs, cancellationToken);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(sidecar.CreateChannel());
            b.AddTasks(r => r.AddOrchestrator<BareEngineOrchestrator>().AddActivity<BareEngineActivity>());
        });
        builder.Services.AddDurableTaskClient(b => b.UseGrpc(sidecar.CreateChannel()));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var engine = new BareEngineHost(logs, sidecar, host);

        // Warm the worker and the hub's queues before any clock runs.
        await engine.RunAsync("warm", cancellationToken);
        return engine;
    }

    /// <summary>Runs one orchestration of <see cref="ProvisionActivities"/> no-op activities and waits for it through the client's own wait.</summary>
    public async Task RunAsync(string instanceId, CancellationToken cancellationToken)
    {
        string id = await ScheduleAsync(instanceId, cancellationToken);
        var done = await Client.WaitForInstanceCompletionAsync(id, cancellationToken);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed) throw new InvalidOperationException($"Bare orchestration {id} ended {done.RuntimeStatus}.");
    }

    /// <summary>Runs one and polls its status every <paramref name="pollInterval"/>, as a client waiting on the API does.</summary>
    public async Task RunPollingAsync(string instanceId, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        string id = await ScheduleAsync(instanceId, cancellationToken);
        OrchestrationMetadata? state;
        while ((state = await Client.GetInstanceAsync(id, cancellationToken)) is null || !state.IsCompleted) await Task.Delay(pollInterval, cancellationToken);
        if (state.RuntimeStatus != OrchestrationRuntimeStatus.Completed) throw new InvalidOperationException($"Bare orchestration {id} ended {state.RuntimeStatus}.");
    }

    /// <summary>Only schedules one (the engine's side of a create: its start message and instance row), without waiting for it.</summary>
    public Task<string> ScheduleAsync(string instanceId, CancellationToken cancellationToken) =>
        Client.ScheduleNewOrchestrationInstanceAsync(nameof(BareEngineOrchestrator), ProvisionActivities, new StartOrchestrationOptions(instanceId), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        await _sidecar.DisposeAsync();
        _logs.Dispose();
    }
}
