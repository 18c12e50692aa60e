namespace Coder.Orchestrations.Provisioning;

/// <param name="ResourceIds">Platform ids of what the workspace owns (a folder, a container group id, a VM id).</param>
/// <param name="Created">True when this call created the resource rather than finding it.</param>
/// <param name="Isolation">How the workspace's code is isolated, where the provisioner decides it at run time (local); null elsewhere.</param>
public sealed record WorkspaceResourceState(IReadOnlyList<string> ResourceIds, bool Running, bool Created, bool LimitsEnforced, string? Note = null, WorkspaceIsolation? Isolation = null);
