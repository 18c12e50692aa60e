using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>
/// A failed blue-green upgrade: destroys green and clears the pending fields. Blue was never touched. Idempotent: with
/// no green recorded it does nothing.
/// </summary>
public sealed class AbandonGreenActivity(WorkspaceStore workspaces, WorkspaceAgentStore agents, ProvisionerRegistry provisioners, TimeProvider time)
{
    public async Task<bool> RunAsync(WorkspaceOperationInput op, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(op.Owner, op.WorkspaceId, cancellationToken);
        if (workspace?.PendingInstance is not { } instance) return false;
        await provisioners.Get(workspace.Provisioner).DestroyAsync(new WorkspaceRef(op.WorkspaceId, op.Owner, instance), cancellationToken);
        string? green = workspace.PendingBuild;
        await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            if (w.PendingInstance != instance) return false;
            w.PendingInstance = null;
            w.PendingBuild = null;
            w.PendingTemplateVersion = null;
            w.UpdatedAt = time.GetUtcNow();
            return true;
        }, cancellationToken);
        await agents.MutateAsync(workspace, null, a =>
        {
            if (green is null || a.PendingBuild != green) return false;
            a.ResetPendingTo(null);
            return true;
        }, cancellationToken);
        return true;
    }
}
