using System.Text.Json;
using Coder.Contracts.Operations;
using Coder.Contracts.Upgrades;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Templates.Parameters;
using Coder.Orchestrations.Upgrades.Orchestrators;

namespace Coder.Orchestrations.Upgrades;

/// <summary>Claims a workspace for an upgrade operation, the one way both the upgrade route and rollouts start one.</summary>
public sealed class UpgradeOperations(OperationLauncher launcher, TemplateStore templates)
{
    public static string OrchestratorFor(UpgradeStrategy strategy) => strategy switch
    {
        UpgradeStrategy.BlueGreen => nameof(BlueGreenUpgradeOrchestrator),
        _ => nameof(InPlaceUpgradeOrchestrator),
    };

    /// <summary>Claims <paramref name="workspace"/> (409 when another operation runs) and records the operation row.</summary>
    /// <remarks>
    /// The parameter values carry over to <paramref name="toVersion"/> in the claim's own write: the current ones, plus
    /// <paramref name="parameters"/>, plus the new version's defaults. A new required parameter without a value, or a value
    /// the new rules refuse, is a 400 naming it, and nothing is claimed.
    /// </remarks>
    public async Task<UpgradeInput> BeginAsync(WorkspaceEntity workspace, int toVersion, UpgradeStrategy strategy, string actor, string reason,
        IReadOnlyDictionary<string, JsonElement>? parameters, CancellationToken cancellationToken)
    {
        int fromVersion = workspace.TemplateVersion;
        var target = await templates.GetVersionAsync(workspace.Template, toVersion, cancellationToken)
            ?? throw CoderProblemException.Validation("version", $"Template '{workspace.Template}' has no version {toVersion}.");
        string? CarryOver(WorkspaceEntity w)
        {
            var errors = new ValidationErrors();
            var values = ParameterValidator.CarryOver(target.Spec.Parameters, toVersion, ParameterValues.Read(w.ParametersJson), parameters, errors);
            errors.ThrowIfAny();
            return ParameterValues.Write(values);
        }

        // Refused before the claim, so a 400 leaves the row as it was; decided again on the row the claim writes.
        CarryOver(workspace);
        string operationId = await launcher.ClaimOperationAsync(workspace, OperationKind.Upgrade, actor, w => w.ParametersJson = CarryOver(w), cancellationToken);
        return Input(workspace.RowKey, workspace.PartitionKey, operationId, actor, reason, fromVersion, toVersion, strategy);
    }

    public static UpgradeInput Input(string workspaceId, string owner, string operationId, string actor, string reason, int fromVersion, int toVersion, UpgradeStrategy strategy) =>
        new(new WorkspaceOperationInput(workspaceId, owner, operationId, OperationKind.Upgrade, actor, reason), fromVersion, toVersion, strategy);
}
