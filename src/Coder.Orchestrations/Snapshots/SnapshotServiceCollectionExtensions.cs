using Coder.Orchestrations.Snapshots.Activities;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Coder.Orchestrations.State;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Orchestrations.Snapshots;

public static class SnapshotServiceCollectionExtensions
{
    /// <summary>The snapshot store, table, services, activities and the scheduler.</summary>
    public static IServiceCollection AddCoderSnapshots(this IServiceCollection services)
    {
        services.AddOptions<SnapshotStoreOptions>().BindConfiguration(SnapshotStoreOptions.Section);
        services.AddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<StorageClientFactory>();
            return new SnapshotBlobs(factory.CreateBlobServiceClient().GetBlobContainerClient(SnapshotBlobs.ContainerName(factory.Prefix)));
        });
        services.AddSingleton<ChunkedBlobSnapshotStore>();
        services.AddSingleton<ChunkGarbageCollector>();
        services.AddSingleton<SnapshotTable>();
        services.AddSingleton<SnapshotService>();
        services.AddSingleton<SnapshotRetentionRunner>();
        services.AddSingleton<SnapshotScheduler>();
        services.AddSingleton<RunSnapshotHookActivity>();
        services.AddSingleton<CaptureSnapshotActivity>();
        services.AddSingleton<FailSnapshotActivity>();
        services.AddSingleton<RestoreSnapshotActivity>();
        services.AddSingleton<SeedFromSnapshotActivity>();
        services.AddSingleton<RestoreLostContentActivity>();
        return services;
    }
}
