using Coder.Orchestrations.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Orchestrations.Reconciliation;

public static class ReconciliationServiceCollectionExtensions
{
    /// <summary>The reconciler: options (<c>Coder:Reconcile</c>), its state table, the acting service and the on-demand trigger.</summary>
    public static IServiceCollection AddCoderReconciliation(this IServiceCollection services)
    {
        services.AddOptions<ReconcileOptions>().BindConfiguration(ReconcileOptions.Section);
        services.AddSingleton<ReconcileStateStore>();
        services.AddSingleton<ReconcilerService>();

        // Event Grid's resource events reconcile one workspace through the same planner as the timer.
        services.AddSingleton<IWorkspaceReconcileTrigger, ReconcilerWorkspaceTrigger>();
        return services;
    }
}
