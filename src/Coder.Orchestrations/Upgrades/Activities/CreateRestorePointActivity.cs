using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Upgrades.Orchestrators;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>
/// Snapshots the workspace before an upgrade, when its provisioner can. The snapshot id is derived from the operation,
/// so a retried activity gets the same capture back. Null means no restore point (the provisioner has no snapshots).
/// </summary>
public sealed class CreateRestorePointActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners)
{
    public async Task<RestorePoint?> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {input.WorkspaceId} no longer exists.");
        var provisioner = provisioners.Get(workspace.Provisioner);
        if (!provisioner.Capabilities.Snapshots) return null;
        string snapshotId = SnapshotIdFor(input.OperationId);
        var capture = await provisioner.SnapshotAsync(workspace.ComputeRef(), new SnapshotRequest(snapshotId, workspace.SourceSnapshot, "upgrade restore point"), cancellationToken);
        return new RestorePoint(snapshotId, capture.Location, capture.Sha256, capture.SizeBytes);
    }

    public static string SnapshotIdFor(string operationId) => "rp-" + operationId.Replace('.', '-');
}
