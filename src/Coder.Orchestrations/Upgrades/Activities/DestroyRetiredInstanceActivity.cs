using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Coder.Orchestrations.Workspaces;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>
/// Destroys blue once its grace period after a blue-green switch is over, unless it became live again (a later upgrade
/// or restore) or is gone already. Idempotent: the retired mark is cleared after the destroy, so a redelivery destroys
/// nothing new.
/// </summary>
public sealed class DestroyRetiredInstanceActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners, WorkspaceTimeline timeline, TimeProvider time)
{
    public async Task<bool> RunAsync(ComputeInstanceInput input, CancellationToken cancellationToken)
    {
        var op = input.Operation;
        var workspace = await workspaces.GetAsync(op.Owner, op.WorkspaceId, cancellationToken);
        if (workspace is null || workspace.RetiredInstance != input.ComputeName || workspace.ComputeRef().ComputeName == input.ComputeName) return false;
        var (workspaceId, instance) = WorkspaceRef.ParseComputeName(input.ComputeName);
        await provisioners.Get(workspace.Provisioner).DestroyAsync(new WorkspaceRef(workspaceId, op.Owner, instance), cancellationToken);
        await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            if (w.RetiredInstance != input.ComputeName) return false;
            w.RetiredInstance = null;
            return true;
        }, cancellationToken);
        await timeline.AppendAsync(op.WorkspaceId, new TimelineEntry(time.GetUtcNow(), $"{op.OperationId}-blue-destroyed", "upgrade.blue-destroyed",
            $"Blue ({input.ComputeName}) was destroyed after its grace period.", null, op.Actor, op.OperationId), cancellationToken);
        return true;
    }
}
