using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Local.Durable;

/// <summary>
/// The durable engine of the local host: a <see cref="TaskHubGrpcServer"/> on a loopback HTTP/2 port, over
/// <see cref="AzureStorageOrchestrationService"/> — the same storage provider Durable Functions uses on Azure Storage.
/// The sidecar takes one worker connection, so every local-host process runs its own; processes share a task hub
/// through the provider's partition leases.
/// </summary>
public sealed class DurableSidecar : IAsyncDisposable
{
    readonly WebApplication _host;

    DurableSidecar(WebApplication host, string address)
    {
        _host = host;
        Address = address;
    }

    public string Address { get; }

    public static async Task<DurableSidecar> StartAsync(string storageConnectionString, DurableSidecarOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
            PartitionCount = options.PartitionCount,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,

            // No app lease: several local hosts on one task hub share its partitions instead of taking turns.
            UseAppLease = false,
            LeaseInterval = options.LeaseInterval,
            LeaseRenewInterval = TimeSpan.FromTicks(options.LeaseInterval.Ticks / 3),
            LeaseAcquireInterval = TimeSpan.FromTicks(options.LeaseInterval.Ticks / 3),
            ControlQueueVisibilityTimeout = options.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.WorkItemQueueVisibilityTimeout,

            // Two hosts on one machine must not share a worker id, or each would think it owns the other's leases.
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}",
            LoggerFactory = loggerFactory,
        };
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();

        int port = Storage.FreePorts.Next();
        string address = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        // The wrapper, not the bare provider: the sidecar's sub-orchestration events must be made storable first.
        var sidecarService = new SidecarOrchestrationService(service);
        builder.Services.AddSingleton<IOrchestrationService>(sidecarService);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(sidecarService);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);
        return new DurableSidecar(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _host.DisposeAsync();
    }
}
