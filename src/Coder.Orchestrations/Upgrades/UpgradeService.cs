using Coder.Contracts.Operations;
using Coder.Contracts.Upgrades;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Coder.Orchestrations.Upgrades.Rollouts;
using Microsoft.DurableTask.Client;

namespace Coder.Orchestrations.Upgrades;

/// <summary>
/// The upgrade and rollout routes' logic. Input is validated before anything is written; a workspace upgrade claims the
/// workspace like every other operation (409 while another runs), and one rollout per template runs at a time.
/// </summary>
public sealed class UpgradeService(WorkspaceAccess workspaces, TemplateStore templates, UpgradeOperations upgrades, RolloutStore rollouts, ProvisionerRegistry provisioners, TimeProvider time)
{
    public async Task<OperationAccepted> UpgradeWorkspaceAsync(CallerIdentity caller, string workspaceId, UpgradeWorkspaceRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.FindVisibleAsync(caller, workspaceId, cancellationToken);
        if (request.Version is < 1) throw CoderProblemException.Validation("version", "A positive version number.");
        var strategy = request.Strategy ?? UpgradeStrategy.InPlace;
        int version = request.Version
            ?? (await templates.GetPointerAsync(workspace.Template, cancellationToken))?.ActiveVersion
            ?? throw CoderProblemException.NotFound($"Template '{workspace.Template}'");
        if (await templates.GetVersionAsync(workspace.Template, version, cancellationToken) is null)
            throw CoderProblemException.Validation("version", $"Template '{workspace.Template}' has no version {version}.");
        if (workspace.OperationId is { } running)
            throw OperationLauncher.StillRunning(running);
        if (version == workspace.TemplateVersion)
            throw CoderProblemException.Conflict($"The workspace already runs v{version}.");
        if (!workspace.IsIn(Contracts.Workspaces.WorkspaceStatus.Running))
            throw CoderProblemException.Conflict($"Only a running workspace can be upgraded (it is {workspace.Status}).");
        if (strategy == UpgradeStrategy.BlueGreen && !provisioners.Get(workspace.Provisioner).Capabilities.BlueGreen)
            throw CoderProblemException.Validation("strategy", $"blue-green needs a provisioner that runs a second instance and takes snapshots; {workspace.Provisioner} does not, so use in-place.");

        var upgrade = await upgrades.BeginAsync(workspace, version, strategy, caller.Actor, "user_request", request.Parameters, cancellationToken);
        string operationId = upgrade.Operation.OperationId;
        await OperationLauncher.ScheduleIdempotentAsync(client, UpgradeOperations.OrchestratorFor(strategy), upgrade, operationId, cancellationToken);
        return new OperationAccepted(OperationLauncher.Pending(operationId, OperationKind.Upgrade));
    }

    public async Task<RolloutAccepted> CreateRolloutAsync(CallerIdentity caller, string template, CreateRolloutRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        RequireTemplateAdmin(caller);
        var errors = new ValidationErrors();
        if (request.Version is null) errors.Add("version", "Required.");
        else if (request.Version < 1) errors.Add("version", "A positive version number.");
        if (request.Strategy is not (null or "canary")) errors.Add("strategy", "Only 'canary' is supported.");
        if (request.CanaryPercent is { } canary && !(canary > 0 && canary <= 100)) errors.Add("canaryPercent", "More than 0 and at most 100.");
        if (request.BatchSize is < 1 or > 1000) errors.Add("batchSize", "From 1 to 1000.");
        if (request.BakeMinutes is { } bake && !(bake >= 0 && bake <= 1440)) errors.Add("bakeMinutes", "From 0 to 1440 (fractions allowed).");
        if (request.MaxFailedPercent is { } max && !(max >= 0 && max <= 100)) errors.Add("maxFailedPercent", "From 0 to 100.");
        errors.ThrowIfAny();
        if (!Names.ResourceName().IsMatch(template) || await templates.GetPointerAsync(template, cancellationToken) is null)
            throw CoderProblemException.NotFound($"Template '{template}'");
        if (await templates.GetVersionAsync(template, request.Version!.Value, cancellationToken) is null)
            throw CoderProblemException.Validation("version", $"Template '{template}' has no version {request.Version}.");

        var now = time.GetUtcNow();
        var strategy = request.UpgradeStrategy ?? UpgradeStrategy.InPlace;
        var header = await rollouts.BeginAsync(new RolloutEntity
        {
            Template = template,
            Version = request.Version.Value,
            Status = RolloutStates.Pending,
            UpgradeStrategy = WireNames.Of(strategy),
            CanaryPercent = request.CanaryPercent ?? 10,
            BatchSize = request.BatchSize ?? 5,
            BakeMinutes = request.BakeMinutes ?? 5,
            MaxFailedPercent = request.MaxFailedPercent ?? 0,
            Actor = caller.Actor,
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken);
        string id = header.PartitionKey;
        var input = new RolloutInput(id, template, header.Version, header.CanaryPercent, header.BatchSize, header.BakeMinutes, header.MaxFailedPercent, strategy, caller.Actor);
        await OperationLauncher.ScheduleIdempotentAsync(client, nameof(RolloutOrchestrator), input, id, cancellationToken);
        return new RolloutAccepted(id, RolloutMapper.StatusUrl(id));
    }

    public async Task<RolloutResponse> GetRolloutAsync(CallerIdentity caller, string rolloutId, CancellationToken cancellationToken)
    {
        var rollout = await ReadVisibleAsync(caller, rolloutId, cancellationToken);
        return RolloutMapper.ToResponse(rollout.Header, rollout.Batches, rollout.Workspaces);
    }

    /// <summary>Pause, resume or abort: an external event on the rollout's orchestration, which records the change itself.</summary>
    public async Task<RolloutAccepted> ControlRolloutAsync(CallerIdentity caller, string rolloutId, string action, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var rollout = await ReadVisibleAsync(caller, rolloutId, cancellationToken);
        if (!RolloutControlSignal.IsKnown(action)) throw CoderProblemException.Validation("action", "pause, resume or abort.");
        if (RolloutStates.IsFinished(rollout.Header.Status))
            throw CoderProblemException.Conflict($"Rollout {rolloutId} already ended ({rollout.Header.Status}).");
        await client.RaiseEventAsync(rolloutId, RolloutControlSignal.EventName, new RolloutControlSignal(action, caller.Actor), cancellationToken);
        return new RolloutAccepted(rolloutId, RolloutMapper.StatusUrl(rolloutId), action);
    }

    async Task<(RolloutEntity Header, IReadOnlyList<RolloutBatchEntity> Batches, IReadOnlyList<RolloutWorkspaceEntity> Workspaces)> ReadVisibleAsync(CallerIdentity caller, string rolloutId, CancellationToken cancellationToken)
    {
        // Rollouts act on everyone's workspaces: only template admins see them; to anyone else they do not exist.
        bool wellFormed = rolloutId.Length is > 3 and <= 64 && rolloutId.StartsWith("ro-", StringComparison.Ordinal) && rolloutId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
        if (!caller.CanManageTemplates || !wellFormed || await rollouts.ReadAsync(rolloutId, cancellationToken) is not { } rollout)
            throw CoderProblemException.NotFound($"Rollout '{rolloutId}'");
        return rollout;
    }

    static void RequireTemplateAdmin(CallerIdentity caller)
    {
        if (!caller.CanManageTemplates) throw CoderProblemException.Forbidden("Rollouts need the template-admin or admin role.");
    }
}
