namespace Coder.Orchestrations.Provisioning;

/// <summary>What a provisioner can do. Features ask these before they ask the provisioner; templates that want more are refused at creation.</summary>
/// <param name="LiveResize">Vertical changes apply without restarting the workspace.</param>
/// <param name="Snapshots">Snapshot and restore are supported.</param>
/// <param name="Instances">A second compute instance of a workspace can run beside the first (blue-green upgrades).</param>
/// <param name="SnapshotHooks">Runs the workspace's pre- and post-snapshot hooks (<see cref="IWorkspaceProvisioner.RunWorkspaceScriptAsync"/>).</param>
/// <param name="LostContentRestore">The workspace's content can go with its compute, so a start may refill it from a snapshot (<see cref="IWorkspaceProvisioner.ContentLostAsync"/>).</param>
/// <param name="SnapshotDelete">Snapshots can be deleted on the platform (<see cref="IWorkspaceProvisioner.DeleteSnapshotAsync"/>), so retention frees them.</param>
/// <param name="MaxReplicas">The most replicas one workspace can run.</param>
public sealed record ProvisionerCapabilities(
    bool LiveResize,
    bool Snapshots,
    bool Instances = false,
    bool SnapshotHooks = false,
    bool LostContentRestore = false,
    bool SnapshotDelete = false,
    int MaxReplicas = 1)
{
    /// <summary>Blue-green upgrades need a second instance beside the first and a restore point to fall back to.</summary>
    public bool BlueGreen => Instances && Snapshots;
}
