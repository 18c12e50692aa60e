namespace Coder.Orchestrations.Provisioning;

/// <param name="LiveResize">Vertical changes apply without restarting the workspace.</param>
/// <param name="Snapshots">Snapshot and restore are supported.</param>
/// <param name="Instances">A second compute instance of a workspace can run beside the first (blue-green upgrades).</param>
public sealed record ProvisionerCapabilities(bool LiveResize, bool Snapshots, bool Instances = false);
