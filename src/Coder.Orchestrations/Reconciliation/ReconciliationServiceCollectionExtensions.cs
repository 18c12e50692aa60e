using Microsoft.Extensions.DependencyInjection;

namespace Coder.Orchestrations.Reconciliation;

public static class ReconciliationServiceCollectionExtensions
{
    /// <summary>The reconciler: options (<c>Coder:Reconcile</c>), its state table and the acting service.</summary>
    public static IServiceCollection AddCoderReconciliation(this IServiceCollection services)
    {
        services.AddOptions<ReconcileOptions>().BindConfiguration(ReconcileOptions.Section);
        services.AddSingleton<ReconcileStateStore>();
        services.AddSingleton<ReconcilerService>();
        return services;
    }
}
