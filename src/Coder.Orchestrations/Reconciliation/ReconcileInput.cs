using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Reconciliation;

/// <summary>Everything one pass knows: desired and observed state, read once, page by page.</summary>
/// <param name="Workspaces">Workspace rows (deleted tombstones included: their leftovers are orphans).</param>
/// <param name="Inventory">What really exists, from every provisioner that answered.</param>
/// <param name="InventoriedProvisioners">Provisioners whose inventory was read; nothing is concluded about the others.</param>
/// <param name="Templates">Policy per <c>{template}:{version}</c> (see <see cref="TemplateKey"/>).</param>
/// <param name="Operations">Progress of the operations that run for longer than the hung threshold.</param>
/// <param name="OrphansFirstSeen">When each orphan (by <see cref="OrphanKey"/>) was first seen.</param>
/// <param name="LatestSnapshots">The latest snapshot id per workspace id, when snapshots exist.</param>
/// <param name="Agents">The agents rows (observed state) by workspace id; a workspace without one is read from its legacy columns.</param>
public sealed record ReconcileInput(
    DateTimeOffset Now,
    IReadOnlyList<WorkspaceEntity> Workspaces,
    IReadOnlyList<InventoryItem> Inventory,
    IReadOnlySet<string> InventoriedProvisioners,
    IReadOnlyDictionary<string, ReconcileTemplatePolicy> Templates,
    IReadOnlyDictionary<string, OperationProgress> Operations,
    IReadOnlyDictionary<string, DateTimeOffset> OrphansFirstSeen,
    IReadOnlyDictionary<string, string>? LatestSnapshots = null,
    IReadOnlyDictionary<string, WorkspaceAgentsEntity>? Agents = null)
{
    /// <summary>The live build's agents of <paramref name="workspace"/> as observed.</summary>
    public AgentObservation ObservationOf(WorkspaceEntity workspace) =>
        AgentObservation.Of(workspace, Agents?.GetValueOrDefault(workspace.RowKey) ?? WorkspaceAgentsEntity.FromLegacy(workspace));

    public static string TemplateKey(string template, int version) => $"{template}:{version}";

    public static string OrphanKey(string provisioner, string workspaceId) => $"{provisioner}|{workspaceId}";
}
