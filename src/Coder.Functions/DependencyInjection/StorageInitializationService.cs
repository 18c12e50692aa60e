using Coder.Orchestrations.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Coder.Functions.DependencyInjection;

/// <summary>Creates tables and queues before the first request.</summary>
public sealed class StorageInitializationService(CoderStorageInitializer initializer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => initializer.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
