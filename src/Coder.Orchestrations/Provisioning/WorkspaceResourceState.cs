namespace Coder.Orchestrations.Provisioning;

/// <param name="ResourceIds">Platform ids of what the workspace owns (a folder, a container group id, a VM id).</param>
/// <param name="Created">True when this call created the resource rather than finding it.</param>
public sealed record WorkspaceResourceState(IReadOnlyList<string> ResourceIds, bool Running, bool Created, bool LimitsEnforced, string? Note = null);
