using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Upgrades.Orchestrators;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>Stops one compute instance of a workspace (blue after a blue-green switch); its data is kept. Idempotent.</summary>
public sealed class StopComputeInstanceActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners)
{
    public async Task<bool> RunAsync(ComputeInstanceInput input, CancellationToken cancellationToken)
    {
        var op = input.Operation;
        var workspace = await workspaces.GetAsync(op.Owner, op.WorkspaceId, cancellationToken);
        if (workspace is null) return false;
        var (workspaceId, instance) = WorkspaceRef.ParseComputeName(input.ComputeName);
        await provisioners.Get(workspace.Provisioner).StopAsync(new WorkspaceRef(workspaceId, op.Owner, instance), cancellationToken);
        return true;
    }
}
