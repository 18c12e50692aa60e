using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>Stops the workspace's compute and keeps its data. Stopping a stopped workspace changes nothing.</summary>
public sealed class StopWorkspaceActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners, TimeProvider time)
{
    public async Task<bool> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken);
        if (workspace is null) return false;
        await provisioners.Get(workspace.Provisioner).StopAsync(new WorkspaceRef(input.WorkspaceId, input.Owner), cancellationToken);
        var now = time.GetUtcNow();
        await workspaces.MutateAsync(input.Owner, input.WorkspaceId, w =>
        {
            // The agent reports shutting_down and off itself; a killed one cannot, so the platform's word closes it.
            w.AgentLifecycle = "off";
            w.AgentConnection = "disconnected";
            w.UpdatedAt = now;
            return true;
        }, cancellationToken);
        return true;
    }
}
