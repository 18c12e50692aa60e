using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Prebuilds;

public static class PrebuildsServiceCollectionExtensions
{
    /// <summary>Warm pools: the pool reconciler (run by each reconcile pass), the claim, and the agents' long-polled manifest.</summary>
    public static IServiceCollection AddCoderPrebuilds(this IServiceCollection services)
    {
        services.TryAddSingleton<ManifestChangeSignal>();
        services.TryAddSingleton<PrebuildReconciler>();
        services.TryAddSingleton<PrebuildClaimer>();
        services.TryAddSingleton<AgentManifestWaiter>();
        return services;
    }
}
