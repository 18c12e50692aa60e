using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Connect;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Removes everything the workspace owns on its platform (also the compensation of a failed provision) and revokes its
/// agent tokens and relay entities. Idempotent.
/// </summary>
public sealed class DestroyWorkspaceActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners, AgentTokenService tokens, RelayTokenService relay)
{
    public async Task<bool> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken);
        var platform = provisioners.Get(workspace?.Provisioner ?? "local");
        await platform.DestroyAsync(workspace?.ComputeRef() ?? new WorkspaceRef(input.WorkspaceId, input.Owner), cancellationToken);

        // A blue-green green still coming up, or a blue in its grace period, goes with the workspace.
        if (workspace?.PendingInstance is { } green) await platform.DestroyAsync(new WorkspaceRef(input.WorkspaceId, input.Owner, green), cancellationToken);
        if (workspace?.RetiredInstance is { } blue)
        {
            var (_, instance) = WorkspaceRef.ParseComputeName(blue);
            await platform.DestroyAsync(new WorkspaceRef(input.WorkspaceId, input.Owner, instance), cancellationToken);
        }

        await tokens.RevokeWorkspaceAsync(input.WorkspaceId, cancellationToken);

        // Its relay entities (Azure Relay hybrid connections) go too; a 404 is fine, so a retry is too.
        await relay.DeleteAsync(input.WorkspaceId, Math.Max(workspace?.Replicas ?? 1, 1), cancellationToken);
        return true;
    }
}
