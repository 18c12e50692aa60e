using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Audit;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Quotas;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Telemetry;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Timeline;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Reconciliation;

/// <summary>
/// Reads desired and actual state, asks <see cref="ReconcilePlanner"/> what to do, and does it. Reads are page scans
/// (inventory once per provisioner, workspaces page by page, templates once per version); the only point reads are for
/// operations already older than the hung threshold. Actions start the same idempotent orchestrations the API starts,
/// through the same ETag claim, so a workspace with an operation running is never touched and two deciders cannot both
/// act. Every action leaves a timeline entry with its reason.
/// </summary>
public sealed partial class ReconcilerService(
    WorkspaceStore workspaces,
    WorkspaceAgentStore agents,
    TemplateStore templates,
    OperationStore operations,
    WorkspaceTimeline timeline,
    OperationLauncher launcher,
    ProvisionerRegistry provisioners,
    ReconcileStateStore state,
    HungOperations hung,
    QuotaLedger quotas,
    Prebuilds.PrebuildReconciler pools,
    Prebuilds.HandoverDeadline handovers,
    CoderMetrics metrics,
    AuditLog audit,
    IOptions<ReconcileOptions> options,
    Agents.FleetHeartbeat heartbeat,
    TimeProvider time,
    ILogger<ReconcilerService> logger)
{
    public const string Actor = "reconciler";

    /// <summary>This control-plane instance, as pass records name it.</summary>
    public static string Instance { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>One pass over the whole fleet; records the pass (who ran it, when, what it did) and returns the outcome.</summary>
    public async Task<ReconcileOutcome> RunPassAsync(string trigger, DurableTaskClient client, DateTimeOffset? nextOccurrence, CancellationToken cancellationToken)
    {
        await state.EnsureCreatedAsync(cancellationToken);
        var startedAt = time.GetUtcNow();
        var (inventory, known) = await ReadInventoryAsync(null, cancellationToken);
        var observed = agents.ScanAsync(cancellationToken);
        var rows = new List<WorkspaceEntity>();
        await foreach (var w in workspaces.ScanAsync(cancellationToken)) rows.Add(w);
        var orphans = await state.ReadOrphansAsync(cancellationToken);
        var input = await CompleteInputAsync(rows, inventory, known, orphans, cancellationToken) with { Agents = await observed };

        var plan = ReconcilePlanner.Plan(input, options.Value);
        var taken = await ActAsync(plan, input, null, client, cancellationToken);

        // The warm pools ride the same period: their members were repaired above like any workspace.
        await pools.RunAsync(client, cancellationToken);

        // A claim whose agent never confirmed its handover is failed here rather than left starting.
        await handovers.ExpireAsync(rows, client, cancellationToken);
        metrics.ReportWorkspacesByStatus(rows.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
        await state.WriteOrphansAsync(orphans, plan.OrphansFirstSeen, cancellationToken);
        await state.RecordPassAsync(new ReconcilePassEntity
        {
            Instance = Instance,
            Trigger = trigger,
            NextOccurrence = nextOccurrence,
            StartedAt = startedAt,
            EndedAt = time.GetUtcNow(),
            Workspaces = rows.Count,
            InventoryItems = inventory.Count,
            Actions = plan.Actions.Count,
            ActionsTaken = taken.Count,
            Summary = plan.Actions.Count == 0 ? null : Truncate(string.Join(",", plan.Actions.Select(a => $"{a.Kind}:{a.WorkspaceId}:{a.Reason}")), 4000),
        }, cancellationToken);
        LogPass(logger, trigger, rows.Count, inventory.Count, plan.Actions.Count, taken.Count);
        return new ReconcileOutcome(plan.Actions, taken);
    }

    /// <summary>
    /// Reconciles one workspace now (for event-driven callers such as Event Grid): the same planner and actions as a pass,
    /// over this workspace's row and inventory only. An id with no live workspace is treated as a possible orphan.
    /// <paramref name="reason"/> says what asked (e.g. <c>eventgrid:ResourceDeleteSuccess</c>) and appears on the timeline.
    /// </summary>
    public async Task<ReconcileOutcome> ReconcileWorkspaceAsync(string workspaceId, string reason, DurableTaskClient client, CancellationToken cancellationToken)
    {
        await state.EnsureCreatedAsync(cancellationToken);
        var row = await workspaces.FindAsync(workspaceId, cancellationToken);
        var (inventory, known) = await ReadInventoryAsync(row?.Provisioner, cancellationToken);
        inventory = inventory.Where(i => i.WorkspaceId == workspaceId).ToList();
        var orphans = (await state.ReadOrphansAsync(cancellationToken))
            .Where(o => inventory.Any(i => ReconcileInput.OrphanKey(i.Provisioner, i.ComputeName) == o.Key))
            .ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        var input = await CompleteInputAsync(row is null ? [] : [row], inventory, known, orphans, cancellationToken);
        if (row is not null) input = await FreshAgentsAsync(input, row.RowKey, cancellationToken);

        var plan = ReconcilePlanner.Plan(input, options.Value);
        var taken = await ActAsync(plan, input, reason, client, cancellationToken);
        await state.WriteOrphansAsync(orphans, plan.OrphansFirstSeen, cancellationToken);
        return new ReconcileOutcome(plan.Actions, taken);
    }

    async Task<(List<InventoryItem> Items, HashSet<string> Known)> ReadInventoryAsync(string? only, CancellationToken cancellationToken)
    {
        var items = new List<InventoryItem>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var provisioner in provisioners.All)
        {
            if (only is not null && provisioner.Name != only) continue;
            try
            {
                items.AddRange(await provisioner.InventoryAsync(cancellationToken));
                known.Add(provisioner.Name);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Without an inventory nothing can be concluded about that platform: no reprovision, no orphan.
                LogInventoryFailed(logger, provisioner.Name, e);
            }
        }

        return (items, known);
    }

    /// <summary>Adds what the planner needs besides rows and inventory: template policies, progress of old operations, snapshots.</summary>
    async Task<ReconcileInput> CompleteInputAsync(IReadOnlyList<WorkspaceEntity> rows, IReadOnlyList<InventoryItem> inventory, IReadOnlySet<string> known, IReadOnlyDictionary<string, DateTimeOffset> orphans, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var policies = new Dictionary<string, ReconcileTemplatePolicy>(StringComparer.Ordinal);
        var progress = new Dictionary<string, OperationProgress>(StringComparer.Ordinal);
        foreach (var w in rows)
        {
            if (w.IsIn(WorkspaceStatus.Deleted)) continue;
            string key = ReconcileInput.TemplateKey(w.Template, w.TemplateVersion);
            if (!policies.ContainsKey(key) && await templates.GetVersionAsync(w.Template, w.TemplateVersion, cancellationToken) is { } version)
            {
                var spec = version.Spec;
                policies[key] = new ReconcileTemplatePolicy(
                    await heartbeat.LivenessSecondsAsync(spec.Agent?.HeartbeatSeconds, cancellationToken),
                    spec.Agent?.ConnectTimeoutSeconds ?? spec.Agent?.ReadyTimeoutSeconds ?? o.DefaultConnectTimeoutSeconds,
                    spec.Idle?.StopAfterMinutes,
                    spec.Schedule);
            }

            // Only operations already older than the hung threshold are looked up: rare, so no per-workspace round trip.
            if (w.OperationId is { } id && now - (w.OperationStartedAt ?? w.UpdatedAt) >= TimeSpan.FromSeconds(o.HungOperationSeconds)
                && await operations.GetAsync(id, cancellationToken) is { } op)
            {
                progress[id] = new OperationProgress(id, op.Status, op.LastProgressAt ?? op.StartedAt);
            }
        }

        // The head snapshot is on the row (the last snapshot, restore or branch source), so this costs no round trip.
        var latest = rows.Where(w => !w.IsIn(WorkspaceStatus.Deleted) && w.HeadSnapshot is not null).ToDictionary(w => w.RowKey, w => w.HeadSnapshot!, StringComparer.Ordinal);

        return new ReconcileInput(time.GetUtcNow(), rows, inventory, known, policies, progress, orphans, latest);
    }

    async Task<List<ReconcileAction>> ActAsync(ReconcilePlan plan, ReconcileInput input, string? trigger, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var taken = new List<ReconcileAction>();
        foreach (var action in plan.Actions)
        {
            try
            {
                if (await ActAsync(action, input, trigger, client, cancellationToken)) taken.Add(action);
                else LogSkipped(logger, action.Kind, action.WorkspaceId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One workspace's failure must not stop the pass; the next pass decides again.
                LogActionFailed(logger, action.Kind, action.WorkspaceId, e);
            }
        }

        return taken;
    }

    async Task<bool> ActAsync(ReconcileAction action, ReconcileInput input, string? trigger, DurableTaskClient client, CancellationToken cancellationToken)
    {
        string message = trigger is null ? action.Message : $"{action.Message} (Checked because of {trigger}.)";
        string? operationId = null;
        switch (action.Kind)
        {
            case ReconcileActionKind.DestroyOrphan:
                await provisioners.Get(action.Provisioner).DestroyAsync(new WorkspaceRef(action.WorkspaceId, action.Owner ?? "", action.Instance), cancellationToken);
                break;
            case ReconcileActionKind.Reprovision:
            case ReconcileActionKind.Restart:
            case ReconcileActionKind.Stop:
                var kind = action.Kind switch { ReconcileActionKind.Reprovision => OperationKind.Start, ReconcileActionKind.Restart => OperationKind.Restart, _ => OperationKind.Stop };
                var row = input.Workspaces.First(w => w.RowKey == action.WorkspaceId);

                // Decided again on the agents as they are now: a heartbeat since the scan may have changed the answer.
                var fresh = await FreshAgentsAsync(input, row.RowKey, cancellationToken);
                operationId = await launcher.TryStartSystemOperationAsync(row, kind, Actor, action.Reason, scale: null, w => StillPlanned(w, action, fresh, countRestart: kind != OperationKind.Stop), client, cancellationToken);
                if (operationId is null) return false;
                break;
            case ReconcileActionKind.RestoreSize:
                operationId = await RestoreSizeAsync(action, input, client, cancellationToken);
                if (operationId is null) return false;
                break;
            case ReconcileActionKind.Autostart:
                operationId = await AutostartAsync(action, input, client, cancellationToken);
                if (operationId is null) return false;
                break;
            case ReconcileActionKind.ExtendDeadline:
            case ReconcileActionKind.RescheduleAutostart:
                var scheduled = await RescheduleAsync(action, input, force: false, cancellationToken);
                if (scheduled is null) return false;
                if (scheduled.Message.Length == 0) return true; // bookkeeping (the first occurrence): nothing to explain
                action = scheduled;
                message = trigger is null ? action.Message : $"{action.Message} (Checked because of {trigger}.)";
                break;
            case ReconcileActionKind.MarkDisconnected:
            case ReconcileActionKind.MarkConnectTimeout:
                if (!await MarkConnectionAsync(action, input, cancellationToken)) return false;
                break;
            case ReconcileActionKind.MarkFailed:
                bool changed = false;
                var current = await FreshAgentsAsync(input, action.WorkspaceId, cancellationToken);
                await workspaces.MutateAsync(action.Owner!, action.WorkspaceId, w =>
                {
                    changed = StillPlanned(w, action, current, countRestart: false);
                    if (!changed) return false;
                    w.Status = WireNames.Of(WorkspaceStatus.Failed);
                    w.FailureReason = action.Message;
                    w.FailureCode = action.Reason;
                    w.FailureOperationId = null;
                    w.UpdatedAt = time.GetUtcNow();
                    return true;
                }, cancellationToken);
                if (!changed) return false;
                break;
            case ReconcileActionKind.DestroyRetiredInstance:
                if (!await DestroyRetiredInstanceAsync(action, cancellationToken)) return false;
                break;
            case ReconcileActionKind.FailHungOperation:
                if (!await FailHungOperationAsync(action, message, client, cancellationToken)) return false;
                operationId = action.OperationId;
                break;
        }

        var now = time.GetUtcNow();
        await timeline.AppendAsync(action.WorkspaceId, new TimelineEntry(
            now, $"reconcile-{now.UtcTicks}-{action.Kind}", "reconcile." + KindName(action.Kind), message, action.Reason, Actor, operationId, action.Source), cancellationToken);
        metrics.RecordReconcileAction(action.Reason);
        await audit.RecordAsync(new AuditEntry(Actor, "reconcile." + KindName(action.Kind), $"workspaces/{action.WorkspaceId}", AuditResults.Succeeded, Detail: action.Reason), cancellationToken);
        LogActed(logger, action.Kind, action.WorkspaceId, action.Reason);
        return true;
    }

    /// <summary>
    /// Marks the live build's agents disconnected or timed out: observed state, so it is the agents row that is written,
    /// and only while the action still follows from the rows as they are now.
    /// </summary>
    async Task<bool> MarkConnectionAsync(ReconcileAction action, ReconcileInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(action.Owner!, action.WorkspaceId, cancellationToken);
        if (workspace?.AgentBuild is not { } build) return false;
        bool changed = false;
        await agents.MutateAsync(workspace, null, a =>
        {
            changed = a.Build == build && StillPlanned(workspace, action, WithAgents(input, workspace.RowKey, a), countRestart: false);
            if (!changed) return false;
            a.Connection = action.Kind == ReconcileActionKind.MarkDisconnected ? "disconnected" : "timeout";
            return true;
        }, cancellationToken);
        return changed;
    }

    /// <summary><paramref name="input"/> for re-planning one workspace, with its agents row read again.</summary>
    async Task<ReconcileInput> FreshAgentsAsync(ReconcileInput input, string workspaceId, CancellationToken cancellationToken) =>
        WithAgents(input, workspaceId, await agents.GetAsync(workspaceId, cancellationToken));

    static ReconcileInput WithAgents(ReconcileInput input, string workspaceId, WorkspaceAgentsEntity? row) =>
        input with { Agents = row is null ? new Dictionary<string, WorkspaceAgentsEntity>() : new Dictionary<string, WorkspaceAgentsEntity> { [workspaceId] = row } };

    /// <summary>Destroys a retired blue if the row still says so (read again: an upgrade may have made it live since the scan).</summary>
    async Task<bool> DestroyRetiredInstanceAsync(ReconcileAction action, CancellationToken cancellationToken)
    {
        var blue = new WorkspaceRef(action.WorkspaceId, action.Owner!, action.Instance);
        var row = await workspaces.GetAsync(action.Owner!, action.WorkspaceId, cancellationToken);
        if (row is null || row.RetiredInstance != blue.ComputeName || row.ComputeRef().ComputeName == blue.ComputeName) return false;
        await provisioners.Get(row.Provisioner).DestroyAsync(blue, cancellationToken);
        await workspaces.MutateAsync(action.Owner!, action.WorkspaceId, w =>
        {
            if (w.RetiredInstance != blue.ComputeName) return false;
            w.RetiredInstance = null;
            w.RetiredUntil = null;
            return true;
        }, cancellationToken);
        return true;
    }

    /// <summary>Ends a hung operation: its orchestration is terminated, what it started is undone, the workspace released as failed.</summary>
    async Task<bool> FailHungOperationAsync(ReconcileAction action, string message, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var row = await workspaces.GetAsync(action.Owner!, action.WorkspaceId, cancellationToken);
        if (row is null || row.OperationId != action.OperationId) return false;
        await hung.FailAsync(row, Actor, action.Reason, message, client, cancellationToken);
        return true;
    }

    /// <summary>
    /// Plans the workspace again against the row as stored now: the claim acts only if the same action still follows.
    /// A restart or reprovision also spends one of the hour's restart budget in the same write.
    /// </summary>
    bool StillPlanned(WorkspaceEntity fresh, ReconcileAction action, ReconcileInput input, bool countRestart)
    {
        var now = time.GetUtcNow();
        if (Replan(fresh, action, input, now) is null) return false;
        if (countRestart)
        {
            int used = ReconcilePlanner.RestartsInWindow(fresh, now);
            if (used == 0) fresh.ReconcileRestartWindowStartedAt = now;
            fresh.ReconcileRestartCount = used + 1;
        }

        return true;
    }

    /// <summary>The action the planner decides for the row as stored now, when it is still <paramref name="action"/>'s kind and reason.</summary>
    ReconcileAction? Replan(WorkspaceEntity fresh, ReconcileAction action, ReconcileInput input, DateTimeOffset now)
    {
        var single = input with
        {
            Now = now,
            Workspaces = [fresh],
            Inventory = input.Inventory.Where(i => i.WorkspaceId == fresh.RowKey).ToList(),
        };
        var again = ReconcilePlanner.Plan(single, options.Value).Actions.FirstOrDefault(a => a.Kind != ReconcileActionKind.DestroyOrphan);
        return again is not null && again.Kind == action.Kind && again.Reason == action.Reason ? again : null;
    }

    /// <summary>
    /// Applies the declared size again through a scale operation to that same size: the same claim and orchestration as a
    /// PATCH, so the provisioner resizes in place where it can (locally, the cgroup limits of the running units) and
    /// recreates the compute only where it must. Only while the row still declares the size the plan compared against.
    /// </summary>
    async Task<string?> RestoreSizeAsync(ReconcileAction action, ReconcileInput input, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var row = input.Workspaces.First(w => w.RowKey == action.WorkspaceId);
        var declared = ScaleTarget.Same(row.Cpu, row.MemoryMiB, row.Replicas);
        var fresh = await FreshAgentsAsync(input, row.RowKey, cancellationToken);
        return await launcher.TryStartSystemOperationAsync(row, OperationKind.Scale, Actor, action.Reason, declared,
            w => w.Cpu == declared.Cpu && w.MemoryMiB == declared.MemoryMiB && w.Replicas == declared.Replicas && StillPlanned(w, action, fresh, countRestart: false),
            client, cancellationToken);
    }

    /// <summary>
    /// Starts a workspace on its autostart schedule: the quota reservation first (as a user's start takes it), then the claim,
    /// which also records the next occurrence. A refused quota skips this occurrence, on the timeline with the quota's words.
    /// </summary>
    async Task<string?> AutostartAsync(ReconcileAction action, ReconcileInput input, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var row = input.Workspaces.First(w => w.RowKey == action.WorkspaceId);
        if (QuotaReservation.Of(row) is not { } declared) return null;
        QuotaReservation? previous;
        try
        {
            previous = await quotas.ReserveAsync(row.PartitionKey, row.RowKey, declared with { Running = true }, cancellationToken);
        }
        catch (CoderProblemException e) when (e.Status == 403)
        {
            var skipped = action with { Kind = ReconcileActionKind.RescheduleAutostart, Reason = Schedules.ScheduleReasons.AutostartSkipped, Message = $"Autostart refused: {e.Detail}" };
            await RescheduleAsync(skipped, input, force: true, cancellationToken);
            var now = time.GetUtcNow();
            await timeline.AppendAsync(action.WorkspaceId, new TimelineEntry(now, $"reconcile-{now.UtcTicks}-autostart-refused", "reconcile.autostart_refused", skipped.Message, skipped.Reason, Actor, null, action.Source), cancellationToken);
            return null;
        }

        var fresh = await FreshAgentsAsync(input, row.RowKey, cancellationToken);
        string? operationId = null;
        try
        {
            operationId = await launcher.TryStartSystemOperationAsync(row, OperationKind.Start, Actor, action.Reason, scale: null, w =>
            {
                if (Replan(w, action, fresh, time.GetUtcNow()) is not { } again) return false;
                w.NextAutostartAt = again.At;
                return true;
            }, client, cancellationToken);
            return operationId;
        }
        finally
        {
            if (operationId is null) await quotas.RestoreAsync(row.PartitionKey, row.RowKey, previous, CancellationToken.None);
        }
    }

    /// <summary>
    /// Writes a deadline extension or the next autostart occurrence, while the planner still decides it for the row as
    /// stored (the values are the ones decided then). Returns the action as written, or null when it no longer applies.
    /// <paramref name="force"/> writes <paramref name="action"/>'s occurrence without asking the planner again.
    /// </summary>
    async Task<ReconcileAction?> RescheduleAsync(ReconcileAction action, ReconcileInput input, bool force, CancellationToken cancellationToken)
    {
        var current = await FreshAgentsAsync(input, action.WorkspaceId, cancellationToken);
        ReconcileAction? written = null;
        await workspaces.MutateAsync(action.Owner!, action.WorkspaceId, w =>
        {
            written = force ? action : Replan(w, action, current, time.GetUtcNow());
            if (written is null) return false;
            if (written.Kind == ReconcileActionKind.ExtendDeadline)
            {
                w.DeadlineAt = written.At;
                w.DeadlineSource = written.Source;
            }
            else
            {
                w.NextAutostartAt = written.At;
            }

            return true;
        }, cancellationToken);
        return written;
    }

    static string KindName(ReconcileActionKind kind) => kind switch
    {
        ReconcileActionKind.Reprovision => "reprovision",
        ReconcileActionKind.DestroyOrphan => "destroy_orphan",
        ReconcileActionKind.Stop => "stop",
        ReconcileActionKind.Restart => "restart",
        ReconcileActionKind.MarkDisconnected => "disconnected",
        ReconcileActionKind.MarkConnectTimeout => "connect_timeout",
        ReconcileActionKind.MarkFailed => "failed",
        ReconcileActionKind.FailHungOperation => "fail_operation",
        ReconcileActionKind.DestroyRetiredInstance => "destroy_retired_instance",
        ReconcileActionKind.Autostart => "autostart",
        ReconcileActionKind.ExtendDeadline => "extend_deadline",
        ReconcileActionKind.RescheduleAutostart => "reschedule_autostart",
        ReconcileActionKind.RestoreSize => "restore_size",
        _ => kind.ToString(),
    };

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconcile pass ({Trigger}): {Workspaces} workspaces, {Inventory} resources, {Planned} actions planned, {Taken} taken")]
    static partial void LogPass(ILogger logger, string trigger, int workspaces, int inventory, int planned, int taken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciler: {Kind} on {WorkspaceId} ({Reason})")]
    static partial void LogActed(ILogger logger, ReconcileActionKind kind, string workspaceId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconciler: {Kind} on {WorkspaceId} no longer applies; skipped")]
    static partial void LogSkipped(ILogger logger, ReconcileActionKind kind, string workspaceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler: {Kind} on {WorkspaceId} failed; the next pass decides again")]
    static partial void LogActionFailed(ILogger logger, ReconcileActionKind kind, string workspaceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inventory of provisioner {Provisioner} failed; its workspaces are left alone this pass")]
    static partial void LogInventoryFailed(ILogger logger, string provisioner, Exception exception);
}
