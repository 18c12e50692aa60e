using Coder.Orchestrations.Provisioning;
using Microsoft.DurableTask.Client;

namespace Coder.Orchestrations.Events;

/// <summary>
/// Reconciles one workspace now instead of at the next timer tick, because something outside the control plane changed
/// its resources. Replaceable: the reconciler registers its own implementation.
/// </summary>
public interface IWorkspaceReconcileTrigger
{
    /// <param name="reason">Why, for the timeline and the reconcile-actions metric (e.g. <c>resource_deleted</c>).</param>
    Task<ReconcileTriggerOutcome> TriggerAsync(WorkspaceRef workspace, string reason, DurableTaskClient client, CancellationToken cancellationToken);
}
