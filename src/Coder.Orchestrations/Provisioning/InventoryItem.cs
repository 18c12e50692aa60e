namespace Coder.Orchestrations.Provisioning;

/// <summary>Something that really exists on a platform, tagged with the workspace it belongs to.</summary>
/// <param name="WorkspaceId">The <c>coder-workspace-id</c> tag.</param>
/// <param name="RunningReplicas">How many compute units run right now.</param>
/// <param name="Instance">Which compute instance of the workspace (see <see cref="WorkspaceRef.Instance"/>); null is the first.</param>
/// <param name="UnitSizes">The size each running unit really has (local: cgroup limits; aci: each container's resources; vm: its vmSize); null when the platform cannot tell (local without cgroups, a GET without those fields).</param>
public sealed record InventoryItem(string Provisioner, string WorkspaceId, string ResourceId, bool Running, int RunningReplicas, string? BuildId, IReadOnlyDictionary<string, string> Tags, string? Instance = null,
    IReadOnlyList<ObservedUnitSize>? UnitSizes = null)
{
    /// <summary>The compute instance's name (see <see cref="WorkspaceRef.ComputeName"/>).</summary>
    public string ComputeName => new WorkspaceRef(WorkspaceId, "", Instance).ComputeName;
}
