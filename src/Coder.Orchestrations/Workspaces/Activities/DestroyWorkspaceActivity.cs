using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>Removes everything the workspace owns on its platform (also the compensation of a failed provision). Idempotent.</summary>
public sealed class DestroyWorkspaceActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners)
{
    public async Task<bool> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken);
        string provisioner = workspace?.Provisioner ?? "local";
        await provisioners.Get(provisioner).DestroyAsync(new WorkspaceRef(input.WorkspaceId, input.Owner), cancellationToken);
        return true;
    }
}
