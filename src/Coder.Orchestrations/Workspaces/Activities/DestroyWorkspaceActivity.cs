using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Removes everything the workspace owns on its platform (also the compensation of a failed provision) and revokes its
/// agent tokens. Idempotent.
/// </summary>
public sealed class DestroyWorkspaceActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners, AgentTokenService tokens)
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
        return true;
    }
}
