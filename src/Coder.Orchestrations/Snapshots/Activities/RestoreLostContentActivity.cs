using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Snapshots.Activities;

/// <summary>
/// Before a start: when the workspace's content is gone with its compute, fill it from the workspace's latest snapshot (its
/// head) instead of starting empty from the template. Only provisioners with
/// <see cref="ProvisionerCapabilities.LostContentRestore"/> keep content beside their compute (local); the Azure ones keep
/// home on an Azure Files share or a data disk that outlives the compute. Idempotent: once restored, the content exists
/// and a redelivery does nothing.
/// </summary>
/// <returns>What was done, for the timeline, or null when the content was there (or there is no snapshot to restore).</returns>
public sealed class RestoreLostContentActivity(WorkspaceStore workspaces, SnapshotTable snapshots, ProvisionerRegistry provisioners, RestoreSnapshotActivity restore)
{
    public async Task<string?> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken);
        if (workspace?.HeadSnapshot is not { } head) return null;
        var provisioner = provisioners.Get(workspace.Provisioner);
        if (!provisioner.Capabilities.LostContentRestore || !await provisioner.ContentLostAsync(workspace.ComputeRef(), cancellationToken)) return null;
        if (await snapshots.FindAsync(head, cancellationToken) is not { } headSnapshot || !headSnapshot.IsIn(Contracts.Snapshots.SnapshotStatus.Ready))
        {
            return $"The workspace's content was gone and its latest snapshot {head} is no longer ready; starting from the template.";
        }

        await restore.RunAsync(new SnapshotStepInput(input.WorkspaceId, input.Owner, head), cancellationToken);
        return $"The workspace's content was gone with its compute; restored it from its latest snapshot {head}.";
    }
}
