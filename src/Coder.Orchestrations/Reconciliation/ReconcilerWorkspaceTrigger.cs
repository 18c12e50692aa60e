using Coder.Orchestrations.Events;
using Coder.Orchestrations.Provisioning;
using Microsoft.DurableTask.Client;

namespace Coder.Orchestrations.Reconciliation;

/// <summary>
/// Event Grid's "reconcile this workspace now": the same planner and actions as a timer pass, for one workspace, so an
/// event-driven repair can never decide differently from the timer.
/// </summary>
public sealed class ReconcilerWorkspaceTrigger(ReconcilerService reconciler) : IWorkspaceReconcileTrigger
{
    public async Task<ReconcileTriggerOutcome> TriggerAsync(WorkspaceRef workspace, string reason, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var outcome = await reconciler.ReconcileWorkspaceAsync(workspace.WorkspaceId, reason, client, cancellationToken);
        if (outcome.Taken.Count == 0)
        {
            string detail = outcome.Planned.Count == 0 ? "The workspace is converged; nothing to do." : $"Planned {string.Join(", ", outcome.Planned.Select(a => a.Reason))}, but another operation got there first.";
            return new ReconcileTriggerOutcome(false, detail);
        }

        var first = outcome.Taken[0];
        return new ReconcileTriggerOutcome(true, first.Message, first.OperationId);
    }
}
