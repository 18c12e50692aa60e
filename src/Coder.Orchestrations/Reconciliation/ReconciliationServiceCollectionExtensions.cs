using Coder.Orchestrations.Common;
using Coder.Orchestrations.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Reconciliation;

public static class ReconciliationServiceCollectionExtensions
{
    /// <summary>The reconciler: options (<c>Coder:Reconcile</c>), its state table, the acting service and the on-demand trigger.</summary>
    public static IServiceCollection AddCoderReconciliation(this IServiceCollection services)
    {
        services.TryBindOptions<ReconcileOptions>(ReconcileOptions.Section);
        services.TryAddSingleton<ReconcileStateStore>();
        services.TryAddSingleton<ReconcilerService>();

        // Event Grid's resource events reconcile one workspace through the same planner as the timer.
        services.TryAddSingleton<IWorkspaceReconcileTrigger, ReconcilerWorkspaceTrigger>();
        return services;
    }
}
