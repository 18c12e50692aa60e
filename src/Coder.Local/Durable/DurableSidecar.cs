using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Local.Durable;

/// <summary>
/// The durable engine of the local host: a <see cref="TaskHubGrpcServer"/> speaking HTTP/2 on a Unix socket, over
/// <see cref="AzureStorageOrchestrationService"/> — the same storage provider Durable Functions uses on Azure Storage.
/// The gRPC API has no authentication, so it is not on a TCP port any local process could reach: the socket lives in a
/// folder only the host's user may enter (0700). The sidecar takes one worker connection, so every local-host process
/// runs its own; processes share a task hub through the provider's partition leases.
/// </summary>
public sealed class DurableSidecar : IAsyncDisposable
{
    /// <summary>sockaddr_un holds 108 bytes with its terminator; longer folders fall back to a private temp folder.</summary>
    const int MaxSocketPath = 100;

    readonly WebApplication _host;
    readonly string? _ownedFolder;

    DurableSidecar(WebApplication host, string socketPath, string? ownedFolder)
    {
        _host = host;
        SocketPath = socketPath;
        _ownedFolder = ownedFolder;
    }

    /// <summary>The Unix socket the sidecar listens on.</summary>
    public string SocketPath { get; }

    /// <summary>A channel to the sidecar over its socket (the worker and the client each take one).</summary>
    public GrpcChannel CreateChannel()
    {
        string path = SocketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

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

        var (socketPath, ownedFolder) = PrepareSocket(options.SocketDirectory);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(socketPath, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        // The wrapper, not the bare provider: the sidecar's sub-orchestration events must be made storable first.
        var sidecarService = new SidecarOrchestrationService(service);
        builder.Services.AddSingleton<IOrchestrationService>(sidecarService);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(sidecarService);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);
        return new DurableSidecar(app, socketPath, ownedFolder);
    }

    /// <summary>The socket's path in a 0700 folder of this user: the given one, or a new private temp folder (then ours to remove).</summary>
    static (string SocketPath, string? OwnedFolder) PrepareSocket(string? directory)
    {
        string name = $"sidecar-{Environment.ProcessId}.sock";
        if (directory is not null && Path.Combine(Path.GetFullPath(directory), name).Length <= MaxSocketPath)
        {
            string folder = Path.GetFullPath(directory);
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            string path = Path.Combine(folder, name);

            // A host that crashed with this pid before left its socket file; Kestrel cannot bind over it.
            File.Delete(path);
            return (path, null);
        }

        // CreateTempSubdirectory makes the folder 0700 with a random name, so no other user can pre-create or enter it.
        var temp = Directory.CreateTempSubdirectory("coder-sidecar-");
        return (Path.Combine(temp.FullName, name), temp.FullName);
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
        try
        {
            if (_ownedFolder is not null) Directory.Delete(_ownedFolder, recursive: true);
            else File.Delete(SocketPath);
        }
        catch (IOException)
        {
        }
    }
}
