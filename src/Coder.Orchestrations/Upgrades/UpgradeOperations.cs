using Coder.Contracts.Operations;
using Coder.Contracts.Upgrades;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Upgrades.Orchestrators;

namespace Coder.Orchestrations.Upgrades;

/// <summary>Claims a workspace for an upgrade operation, the one way both the upgrade route and rollouts start one.</summary>
public sealed class UpgradeOperations(OperationLauncher launcher)
{
    public static string OrchestratorFor(UpgradeStrategy strategy) => strategy switch
    {
        UpgradeStrategy.BlueGreen => nameof(BlueGreenUpgradeOrchestrator),
        _ => nameof(InPlaceUpgradeOrchestrator),
    };

    /// <summary>Claims <paramref name="workspace"/> (409 when another operation runs) and records the operation row.</summary>
    public async Task<UpgradeInput> BeginAsync(WorkspaceEntity workspace, int toVersion, UpgradeStrategy strategy, string actor, string reason, CancellationToken cancellationToken)
    {
        int fromVersion = workspace.TemplateVersion;
        string operationId = await launcher.ClaimOperationAsync(workspace, OperationKind.Upgrade, actor, cancellationToken);
        return Input(workspace.RowKey, workspace.PartitionKey, operationId, actor, reason, fromVersion, toVersion, strategy);
    }

    public static UpgradeInput Input(string workspaceId, string owner, string operationId, string actor, string reason, int fromVersion, int toVersion, UpgradeStrategy strategy) =>
        new(new WorkspaceOperationInput(workspaceId, owner, operationId, OperationKind.Upgrade, actor, reason), fromVersion, toVersion, strategy);
}
