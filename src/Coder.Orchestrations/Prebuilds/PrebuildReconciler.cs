using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Templates.Parameters;
using Coder.Orchestrations.Timeline;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>
/// Keeps every declared pool at its size, as part of each reconcile pass: reads the active versions and the pool's
/// partition, asks <see cref="PrebuildPlanner"/>, and acts through the normal paths: a new member is a workspace row
/// owned by <see cref="PrebuildPool.Owner"/> and provisioned by the provision orchestration; a retired one is deleted
/// through the launcher's ETag claim, decided again on the row as stored, so a member claimed meanwhile is never deleted.
/// Every decision goes on the member's timeline with the pool's numbers.
/// </summary>
public sealed partial class PrebuildReconciler(
    TemplateStore templates,
    WorkspaceStore workspaces,
    WorkspaceTimeline timeline,
    OperationLauncher launcher,
    TimeProvider time,
    ILogger<PrebuildReconciler> logger)
{
    public async Task<PoolPlan> RunAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var targets = new List<PoolTarget>();
        var specs = new Dictionary<string, Contracts.Templates.TemplateSpec>(StringComparer.Ordinal);
        foreach (var pointer in await templates.ListAsync(cancellationToken))
        {
            if (await templates.GetVersionAsync(pointer.PartitionKey, pointer.ActiveVersion, cancellationToken) is not { } version) continue;
            if (version.Spec.Prebuilds is not { Instances: > 0 and var instances }) continue;
            targets.Add(new PoolTarget(pointer.PartitionKey, pointer.ActiveVersion, PrebuildPreset.Key(version.Spec, PrebuildPreset.Values(version.Spec)), instances));
            specs[pointer.PartitionKey] = version.Spec;
        }

        var rows = await MembersAsync(cancellationToken);
        var members = rows.Values.Where(r => r.PoolClaim is null)
            .Select(r => new PoolMember(r.RowKey, r.Template, r.TemplateVersion, r.PoolPreset, r.Status, r.OperationId is not null, r.CreatedAt)).ToList();
        var plan = PrebuildPlanner.Plan(targets, members);
        if (plan.Provisions.Count == 0 && plan.Retirements.Count == 0) return plan;

        foreach (var retirement in plan.Retirements)
        {
            var row = rows[retirement.Id];
            string? operationId = await launcher.TryStartSystemOperationAsync(row, OperationKind.Delete, PrebuildPool.Actor, retirement.Reason, scale: null,
                w => PrebuildPool.IsMember(w) && w.PoolClaim is null, client, cancellationToken);
            if (operationId is null) continue;
            var now = time.GetUtcNow();
            await timeline.AppendAsync(row.RowKey, new TimelineEntry(now, $"pool-retire-{now.UtcTicks}", "prebuild.retired", retirement.Message, retirement.Reason, PrebuildPool.Actor, operationId), cancellationToken);
            LogDecision(logger, retirement.Message);
        }

        foreach (var provision in plan.Provisions)
        {
            LogDecision(logger, provision.Message);
            for (int i = 0; i < provision.Count; i++) await ProvisionAsync(provision, specs[provision.Target.Template], client, cancellationToken);
        }

        return plan;
    }

    /// <summary>A new member: the row a create would write, owned by the pool, then the normal provision orchestration.</summary>
    async Task ProvisionAsync(PoolProvision provision, Contracts.Templates.TemplateSpec spec, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var target = provision.Target;
        var now = time.GetUtcNow();
        string id = Ids.NewWorkspaceId();
        string operationId = Ids.OperationId(id, 1, WireNames.Of(OperationKind.Provision));
        var member = new WorkspaceEntity
        {
            PartitionKey = PrebuildPool.Owner,
            RowKey = id,
            Name = "pool-" + id[3..],
            Template = target.Template,
            TemplateVersion = target.Version,
            Provisioner = spec.Provisioner!,
            Cpu = spec.Resources!.Cpu!.Value,
            MemoryMiB = spec.Resources.MemoryMiB!.Value,
            Replicas = 1,
            DesiredState = DesiredStates.Running,
            Status = WireNames.Of(WorkspaceStatus.Pending),
            OperationId = operationId,
            OperationKind = WireNames.Of(OperationKind.Provision),
            OperationGeneration = 1,
            OperationStartedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = PrebuildPool.Actor,
            ParametersJson = ParameterValues.Write(PrebuildPreset.Values(spec)),
            PoolPreset = target.PresetKey,
        };
        await workspaces.CreateAsync(member, cancellationToken);
        await timeline.AppendAsync(id, new TimelineEntry(now, "pool-provisioned", "prebuild.provisioned",
            $"Provisioned as a pool member of template {target.Template} v{target.Version} at {now:u} ({provision.Message}).", "prebuild_pool", PrebuildPool.Actor, operationId), cancellationToken);
        await launcher.StartClaimedAsync(member, OperationKind.Provision, operationId, PrebuildPool.Actor, "prebuild_pool", client, scale: null, orchestrator: null, cancellationToken);
    }

    async Task<Dictionary<string, WorkspaceEntity>> MembersAsync(CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, WorkspaceEntity>(StringComparer.Ordinal);
        string? continuation = null;
        do
        {
            var (items, next) = await workspaces.ListPageAsync(PrebuildPool.Owner, continuation, 1000, cancellationToken);
            foreach (var row in items) rows[row.RowKey] = row;
            continuation = next;
        }
        while (continuation is not null);
        return rows;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prebuilds: {Decision}")]
    static partial void LogDecision(ILogger logger, string decision);
}
