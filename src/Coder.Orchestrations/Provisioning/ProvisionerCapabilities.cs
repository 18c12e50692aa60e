namespace Coder.Orchestrations.Provisioning;

/// <param name="LiveResize">Vertical changes apply without restarting the workspace.</param>
/// <param name="Snapshots">Snapshot and restore are supported.</param>
public sealed record ProvisionerCapabilities(bool LiveResize, bool Snapshots);
