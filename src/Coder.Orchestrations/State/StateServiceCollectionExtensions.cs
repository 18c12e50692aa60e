using Coder.Orchestrations.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.State;

public static class StateServiceCollectionExtensions
{
    /// <summary>Storage options (<c>Coder:Storage</c>), the storage clients, the tables and the row stores every feature shares.</summary>
    public static IServiceCollection AddCoderState(this IServiceCollection services)
    {
        services.TryBindOptions<CoderStorageOptions>(CoderStorageOptions.Section);
        services.TryAddSingleton<StorageClientFactory>();
        services.TryAddSingleton<CoderTables>();
        services.TryAddSingleton<WorkspaceStore>();
        services.TryAddSingleton<WorkspaceAgentStore>();
        return services;
    }
}
