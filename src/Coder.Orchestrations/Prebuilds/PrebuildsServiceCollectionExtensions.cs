using Coder.Orchestrations.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Prebuilds;

public static class PrebuildsServiceCollectionExtensions
{
    /// <summary>Warm pools: options (<c>Coder:Prebuilds</c>), the pool reconciler and the handover deadline (run by each reconcile pass), the claim, and the agents' long-polled manifest.</summary>
    public static IServiceCollection AddCoderPrebuilds(this IServiceCollection services)
    {
        services.TryBindOptions<PrebuildOptions>(PrebuildOptions.Section);
        services.TryAddSingleton<ManifestChangeSignal>();
        services.TryAddSingleton<HandoverDeadline>();
        services.TryAddSingleton<PrebuildReconciler>();
        services.TryAddSingleton<PrebuildClaimer>();
        services.TryAddSingleton<AgentManifestWaiter>();
        return services;
    }
}
