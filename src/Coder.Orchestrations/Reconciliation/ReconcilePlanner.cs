using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Schedules;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Reconciliation;

/// <summary>
/// Turns desired state (workspace rows) and actual state (inventory, agents rows, operation progress) into actions. A pure
/// function: no I/O, no clock (the input carries "now"), so every case is a unit test and a converged fleet plans nothing.
/// At most one action per workspace per pass; a workspace with an operation running is left to it unless it is hung.
/// </summary>
public static class ReconcilePlanner
{
    public static readonly TimeSpan RestartWindow = TimeSpan.FromHours(1);

    public static ReconcilePlan Plan(ReconcileInput input, ReconcileOptions options)
    {
        var actions = new List<ReconcileAction>();
        var sightings = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var rows = new Dictionary<string, WorkspaceEntity>(StringComparer.Ordinal);
        foreach (var w in input.Workspaces) rows[w.RowKey] = w;
        var inventory = new Dictionary<string, InventoryItem>(StringComparer.Ordinal);
        foreach (var item in input.Inventory)
        {
            // Keyed by compute instance: a blue-green green (or a blue in its grace period) is not the workspace's compute.
            string key = ReconcileInput.OrphanKey(item.Provisioner, item.ComputeName);
            if (!inventory.TryGetValue(key, out var seen) || (item.Running && !seen.Running)) inventory[key] = item;
        }

        PlanOrphans(input, options, rows, inventory.Values, actions, sightings);
        PlanRetiredInstances(input, actions);
        foreach (var w in input.Workspaces)
        {
            if (w.IsIn(Contracts.Workspaces.WorkspaceStatus.Deleted)) continue;
            if (PlanWorkspace(input, options, w, inventory) is { } action) actions.Add(action);
        }

        return new ReconcilePlan(actions, sightings);
    }

    /// <summary>How many restarts the reconciler started on this workspace in the current window.</summary>
    public static int RestartsInWindow(WorkspaceEntity w, DateTimeOffset now) =>
        w.ReconcileRestartWindowStartedAt is { } start && now - start < RestartWindow ? w.ReconcileRestartCount : 0;

    static void PlanOrphans(ReconcileInput input, ReconcileOptions options, Dictionary<string, WorkspaceEntity> rows, IEnumerable<InventoryItem> inventory, List<ReconcileAction> actions, Dictionary<string, DateTimeOffset> sightings)
    {
        var grace = TimeSpan.FromSeconds(options.OrphanGraceSeconds);
        foreach (var item in inventory)
        {
            rows.TryGetValue(item.WorkspaceId, out var w);

            // A live workspace owns it; a delete in progress is removing it already.
            if (w is not null && (!w.IsIn(Contracts.Workspaces.WorkspaceStatus.Deleted) || w.OperationId is not null)) continue;
            string key = ReconcileInput.OrphanKey(item.Provisioner, item.ComputeName);
            var firstSeen = input.OrphansFirstSeen.TryGetValue(key, out var at) ? at : input.Now;
            sightings[key] = firstSeen;
            if (input.Now - firstSeen < grace) continue;
            string whose = w is null ? "no workspace" : "a deleted workspace";
            actions.Add(new ReconcileAction(ReconcileActionKind.DestroyOrphan, item.WorkspaceId, w?.PartitionKey, item.Provisioner, ReconcileReasons.OrphanResource,
                $"Destroyed {item.ResourceId} on {item.Provisioner}: it is tagged {ProvisionerTags.WorkspaceId}={item.WorkspaceId}, which belongs to {whose}, and it outlived the {Describe(grace)} grace period (first seen {firstSeen:u}).", Instance: item.Instance));
        }
    }

    /// <summary>A blue-green switch leaves blue stopped until its grace period ends; then it goes.</summary>
    static void PlanRetiredInstances(ReconcileInput input, List<ReconcileAction> actions)
    {
        foreach (var w in input.Workspaces)
        {
            if (w.RetiredInstance is not { } blue || w.RetiredUntil is not { } until || input.Now < until || blue == w.ComputeRef().ComputeName) continue;
            var (_, instance) = WorkspaceRef.ParseComputeName(blue);
            actions.Add(new ReconcileAction(ReconcileActionKind.DestroyRetiredInstance, w.RowKey, w.PartitionKey, w.Provisioner, ReconcileReasons.BlueGraceOver,
                $"Destroyed blue ({blue}): a blue-green upgrade replaced it and its grace period ended at {until:u}.", Instance: instance));
        }
    }

    static ReconcileAction? PlanWorkspace(ReconcileInput input, ReconcileOptions options, WorkspaceEntity w, Dictionary<string, InventoryItem> inventory)
    {
        var now = input.Now;
        if (w.OperationId is { } operationId) return PlanRunningOperation(input, options, w, operationId);

        bool known = input.InventoriedProvisioners.Contains(w.Provisioner);
        bool resourceRuns = inventory.TryGetValue(ReconcileInput.OrphanKey(w.Provisioner, w.ComputeRef().ComputeName), out var item) && item.Running;
        input.Templates.TryGetValue(ReconcileInput.TemplateKey(w.Template, w.TemplateVersion), out var policy);
        if (w.DesiredState == DesiredStates.Stopped)
        {
            return known && resourceRuns && w.IsIn(Contracts.Workspaces.WorkspaceStatus.Stopped, Contracts.Workspaces.WorkspaceStatus.Failed)
                ? Act(ReconcileActionKind.Stop, w, ReconcileReasons.StoppedButRunning, $"Stopping the workspace: it should be stopped, but {item!.RunningReplicas} unit(s) of it still run on {w.Provisioner}.")
                : PlanSchedule(input, w, policy);
        }

        if (w.DesiredState != DesiredStates.Running || !w.IsIn(Contracts.Workspaces.WorkspaceStatus.Running)) return null;

        // The schedule comes before repairs: a workspace due to stop is stopped, not restarted.
        if (PlanSchedule(input, w, policy) is { } scheduled) return scheduled;
        if (known && !resourceRuns)
        {
            string? snapshot = input.LatestSnapshots?.GetValueOrDefault(w.RowKey);
            string from = snapshot is null
                ? $"from template {w.Template} v{w.TemplateVersion}"
                : $"from template {w.Template} v{w.TemplateVersion}, with its content from its latest snapshot {snapshot} if the content is gone too";
            return Budgeted(w, now, options, new ReconcileAction(ReconcileActionKind.Reprovision, w.RowKey, w.PartitionKey, w.Provisioner, ReconcileReasons.ResourceMissing,
                $"Reprovisioning {from}: the workspace should be running, but its compute is gone from {w.Provisioner}" + (item is null ? "." : " (nothing runs there)."), snapshot));
        }

        // Fewer units run than the row declares (one of three replicas died, or was removed from outside): run it again.
        if (known && item!.RunningReplicas < w.Replicas)
        {
            return Budgeted(w, now, options, new ReconcileAction(ReconcileActionKind.Reprovision, w.RowKey, w.PartitionKey, w.Provisioner, ReconcileReasons.ReplicaMissing,
                $"Starting the missing replicas: the workspace declares {w.Replicas} replica(s), but only {item.RunningReplicas} run on {w.Provisioner}."));
        }

        // A unit whose limits differ from the declared size (changed from outside): apply the declared size again.
        if (known && w.LimitsEnforced && item!.UnitSizes?.FirstOrDefault(u => u.Replica < w.Replicas && !u.Matches(w.Cpu, w.MemoryMiB)) is { } drifted)
        {
            return Act(ReconcileActionKind.RestoreSize, w, ReconcileReasons.SizeDrift,
                $"Restoring the declared size: replica {drifted.Replica} runs with {drifted.Describe()}, but the workspace declares {w.Cpu:0.###} CPU, {w.MemoryMiB} MiB per unit on {w.Provisioner}.");
        }

        if (policy is null) return null;
        var interval = TimeSpan.FromSeconds(Math.Max(1, policy.HeartbeatSeconds));
        var agent = input.ObservationOf(w);
        if (agent.Connection is "connected" or "disconnected")
        {
            var last = agent.LastHeartbeatAt ?? w.BuildStartedAt ?? w.UpdatedAt;
            var age = now - last;
            if (age > interval * options.RestartAfterIntervals)
            {
                return Budgeted(w, now, options, Act(ReconcileActionKind.Restart, w, ReconcileReasons.HeartbeatLost,
                    $"Restarting the workspace: its agent has not sent a heartbeat for {Describe(age)} (more than {options.RestartAfterIntervals} intervals of {policy.HeartbeatSeconds} s)."));
            }

            if (age > interval * options.DisconnectedAfterIntervals && agent.Connection == "connected")
            {
                return Act(ReconcileActionKind.MarkDisconnected, w, ReconcileReasons.HeartbeatStale,
                    $"The agent is disconnected: its last heartbeat was {Describe(age)} ago (more than {options.DisconnectedAfterIntervals} intervals of {policy.HeartbeatSeconds} s).");
            }
        }
        else if (agent.Connection == "connecting")
        {
            var since = w.BuildStartedAt ?? w.UpdatedAt;
            if (now - since > TimeSpan.FromSeconds(policy.ConnectTimeoutSeconds))
            {
                return Act(ReconcileActionKind.MarkConnectTimeout, w, ReconcileReasons.ConnectTimeout,
                    $"The agent never connected: {Describe(now - since)} since it started, longer than the template's connect timeout of {policy.ConnectTimeoutSeconds} s.");
            }
        }

        return null;
    }

    /// <summary>The workspace's schedule (autostart, deadline, auto-stop) as an action, when it asks for one now.</summary>
    static ReconcileAction? PlanSchedule(ReconcileInput input, WorkspaceEntity w, ReconcileTemplatePolicy? policy)
    {
        if (policy is null) return null;
        var schedule = ScheduleRules.Resolve(ScheduleRules.Read(w), policy.Schedule, policy.IdleStopAfterMinutes);
        if (SchedulePlanner.Decide(w, schedule, input.ObservationOf(w), input.Now) is not { } decision) return null;
        var kind = decision.Kind switch
        {
            ScheduleActionKind.Start => ReconcileActionKind.Autostart,
            ScheduleActionKind.Stop => ReconcileActionKind.Stop,
            ScheduleActionKind.ExtendDeadline => ReconcileActionKind.ExtendDeadline,
            _ => ReconcileActionKind.RescheduleAutostart,
        };
        return Act(kind, w, decision.Reason, decision.Message) with { Source = decision.Source, At = decision.At };
    }

    static ReconcileAction? PlanRunningOperation(ReconcileInput input, ReconcileOptions options, WorkspaceEntity w, string operationId)
    {
        var hung = TimeSpan.FromSeconds(options.HungOperationSeconds);
        var started = w.OperationStartedAt ?? w.UpdatedAt;
        if (input.Now - started < hung) return null;
        input.Operations.TryGetValue(operationId, out var progress);
        var last = progress is null ? started : Latest(progress.LastProgressAt, started)!.Value;
        bool finished = progress is not null && OperationStore.IsFinished(progress.Status);
        if (!finished && input.Now - last < hung) return null;
        string why = progress is null ? "it has no operation record"
            : finished ? $"it ended ({progress.Status}) but never released the workspace"
            : $"it made no progress for {Describe(input.Now - last)}";
        return new ReconcileAction(ReconcileActionKind.FailHungOperation, w.RowKey, w.PartitionKey, w.Provisioner, ReconcileReasons.OperationHung,
            $"Failed operation {operationId} ({w.OperationKind}): {why}, longer than {Describe(hung)}. What it started was stopped and the workspace released.", OperationId: operationId);
    }

    /// <summary>Restarts are budgeted per workspace and hour; past the budget the workspace is failed with the reason instead.</summary>
    static ReconcileAction Budgeted(WorkspaceEntity w, DateTimeOffset now, ReconcileOptions options, ReconcileAction action)
    {
        int used = RestartsInWindow(w, now);
        if (used < options.MaxRestartsPerHour) return action;
        return action with
        {
            Kind = ReconcileActionKind.MarkFailed,
            Reason = ReconcileReasons.RestartLimitReached,
            Message = $"Marked failed instead of acting again ({action.Reason}): the reconciler already restarted this workspace {used} time(s) this hour, its limit.",
            SnapshotId = null,
        };
    }

    static ReconcileAction Act(ReconcileActionKind kind, WorkspaceEntity w, string reason, string message) =>
        new(kind, w.RowKey, w.PartitionKey, w.Provisioner, reason, message);

    static DateTimeOffset? Latest(params DateTimeOffset?[] values)
    {
        DateTimeOffset? latest = null;
        foreach (var v in values) if (v is { } x && (latest is null || x > latest)) latest = x;
        return latest;
    }

    static string Describe(TimeSpan t) =>
        t.TotalMinutes >= 2 ? $"{t.TotalMinutes:0} min" : $"{t.TotalSeconds:0} s";
}
