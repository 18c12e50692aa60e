using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Coder.Orchestrations.Snapshots.Activities;
using Coder.Orchestrations.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Snapshots;

public static class SnapshotServiceCollectionExtensions
{
    /// <summary>The snapshot store, table, services, activities and the scheduler.</summary>
    public static IServiceCollection AddCoderSnapshots(this IServiceCollection services)
    {
        services.TryBindOptions<SnapshotStoreOptions>(SnapshotStoreOptions.Section);
        services.TryAddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<StorageClientFactory>();
            return new SnapshotBlobs(factory.CreateBlobServiceClient().GetBlobContainerClient(SnapshotBlobs.ContainerName(factory.Prefix)));
        });
        services.TryAddSingleton<ChunkedBlobSnapshotStore>();
        services.TryAddSingleton<ChunkGarbageCollector>();
        services.TryAddSingleton<SnapshotTable>();
        services.TryAddSingleton<SnapshotService>();
        services.TryAddSingleton<SnapshotDeleter>();
        services.TryAddSingleton<SnapshotRetentionRunner>();
        services.TryAddSingleton<SnapshotScheduler>();
        services.TryAddSingleton<RunSnapshotHookActivity>();
        services.TryAddSingleton<CaptureSnapshotActivity>();
        services.TryAddSingleton<FailSnapshotActivity>();
        services.TryAddSingleton<RestoreSnapshotActivity>();
        services.TryAddSingleton<SeedFromSnapshotActivity>();
        services.TryAddSingleton<RestoreLostContentActivity>();
        return services;
    }
}
