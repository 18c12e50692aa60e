using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Upgrades.Orchestrators;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>Puts a restore point's data back (into the workspace, or into a green instance). Restoring twice gives the same data.</summary>
public sealed class RestoreFromRestorePointActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners)
{
    public async Task<bool> RunAsync(RestorePointInput input, CancellationToken cancellationToken)
    {
        if (input.Point is not { } point) return false;
        var op = input.Operation;
        var workspace = await workspaces.GetAsync(op.Owner, op.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {op.WorkspaceId} no longer exists.");
        await provisioners.Get(workspace.Provisioner).RestoreAsync(
            input.TargetInstance is { } instance ? new WorkspaceRef(op.WorkspaceId, op.Owner, instance) : workspace.ComputeRef(), new RestoreRequest(point.SnapshotId, point.Location, point.Sha256), cancellationToken);
        return true;
    }
}
