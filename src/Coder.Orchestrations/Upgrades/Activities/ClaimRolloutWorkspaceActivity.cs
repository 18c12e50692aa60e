using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Upgrades.Orchestrators;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>
/// Claims one workspace for a rollout's upgrade (or its rollback). A workspace busy with another operation is reported
/// busy, to be tried again later. Idempotent: when the running operation is this rollout's own (a retried activity), it
/// is returned again instead of being taken for someone else's.
/// </summary>
public sealed class ClaimRolloutWorkspaceActivity(WorkspaceStore workspaces, OperationStore operations, UpgradeOperations upgrades)
{
    public async Task<RolloutClaimResult> RunAsync(RolloutClaimInput input, CancellationToken cancellationToken)
    {
        var t = input.Target;
        string actor = ActorFor(input.RolloutId, input.Rollback);
        string reason = input.Rollback ? "rollout_rollback" : "rollout";
        var workspace = await workspaces.GetAsync(t.Owner, t.WorkspaceId, cancellationToken);
        if (workspace is null || workspace.IsIn(Contracts.Workspaces.WorkspaceStatus.Deleted)) return new RolloutClaimResult(null, false, "The workspace was deleted.");

        if (workspace.OperationId is { } running)
        {
            // Our own claim from an attempt that failed before it returned: the upgrade has not been scheduled yet.
            var op = await operations.GetAsync(running, cancellationToken);
            if (op?.Actor == actor && op.Kind == "upgrade")
                return new RolloutClaimResult(UpgradeOperations.Input(t.WorkspaceId, t.Owner, running, actor, reason, workspace.TemplateVersion, input.ToVersion, input.Strategy), false, null);
            return new RolloutClaimResult(null, true, $"Operation {running} ({workspace.OperationKind}) is running on it.");
        }

        if (workspace.TemplateVersion == input.ToVersion) return new RolloutClaimResult(null, false, $"It already runs v{input.ToVersion}.");
        if (!workspace.IsIn(Contracts.Workspaces.WorkspaceStatus.Running)) return new RolloutClaimResult(null, false, $"It is {workspace.Status}, not running.");
        try
        {
            var upgrade = await upgrades.BeginAsync(workspace, input.ToVersion, input.Strategy, actor, reason, parameters: null, cancellationToken);
            return new RolloutClaimResult(upgrade, false, null);
        }
        catch (CoderProblemException e) when (e.Status == 400)
        {
            // A rollout has no values to give: a workspace the new version asks one of (a new required parameter) is skipped, saying which.
            return new RolloutClaimResult(null, false, $"It needs parameter values for v{input.ToVersion}: {e.Detail}");
        }
        catch (CoderProblemException e) when (e.Status == 409)
        {
            return new RolloutClaimResult(null, true, e.Detail);
        }
    }

    public static string ActorFor(string rolloutId, bool rollback) => rollback ? $"rollout:{rolloutId}:rollback" : $"rollout:{rolloutId}";
}
