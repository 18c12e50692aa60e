using System.Globalization;
using Coder.Contracts.Upgrades;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Upgrades.Activities;
using Coder.Orchestrations.Upgrades.Rollouts;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>
/// A canary fleet rollout over a template's outdated workspaces: the canary batch, then batches of at most batchSize;
/// after each, a bake (durable timer) and the health gate. When the failed share passes maxFailedPercent it stops and
/// rolls back every workspace it upgraded. Busy workspaces are tried again later; pause, resume and abort are external
/// events (<see cref="RolloutControl"/>). Each workspace upgrade is a sub-orchestration whose instance id is its operation id.
/// </summary>
public static class RolloutOrchestrator
{
    static readonly TaskOptions Retry = ActivityRetry.Options;

    public static async Task<RolloutOutcome> RunAsync(TaskOrchestrationContext context, RolloutInput input)
    {
        var plan = await context.CallActivityAsync<RolloutPlan>(nameof(PlanRolloutActivity), input, Retry);
        await RecordAsync(context, new RolloutProgress(input.RolloutId, context.CurrentUtcDateTime, RolloutStates.Running,
            $"{plan.Targets.Count} outdated workspace(s) to move to v{input.Version}.", OrchestrationVersion: OrchestrationVersions.Of(context)));
        var control = new RolloutControl(context, input.RolloutId);

        var queue = new List<(string Kind, List<RolloutTarget> Targets)>();
        int taken = 0;
        foreach (int size in RolloutPolicy.BatchSizes(plan.Targets.Count, input.CanaryPercent, input.BatchSize))
        {
            queue.Add((taken == 0 ? "canary" : "batch", plan.Targets.Skip(taken).Take(size).ToList()));
            taken += size;
        }

        var upgraded = new List<RolloutTarget>();
        var busy = new List<RolloutTarget>();
        int failed = 0, attempted = 0, rolledBack = 0, busyRounds = 0, index = 0;
        string? stopReason = null;
        while (true)
        {
            if (queue.Count == 0)
            {
                if (busy.Count == 0) break;
                if (busyRounds >= plan.MaxBusyRounds)
                {
                    await RecordAsync(context, new RolloutProgress(input.RolloutId, context.CurrentUtcDateTime,
                        Workspaces: busy.Select(t => new RolloutWorkspaceRecord(t.WorkspaceId, RolloutStates.Skipped, Reason: $"Still busy after {busyRounds} retries; not upgraded.")).ToList()));
                    break;
                }

                busyRounds++;
                await control.DelayAsync(TimeSpan.FromSeconds(plan.BusyRetrySeconds));
                if (control.AbortRequested) break;
                foreach (var chunk in busy.Chunk(input.BatchSize)) queue.Add(("retry", chunk.ToList()));
                busy.Clear();
            }

            await control.CheckpointAsync();
            if (control.AbortRequested) break;
            var (kind, targets) = queue[0];
            queue.RemoveAt(0);
            var result = await RunBatchAsync(context, control, input, index, kind, targets);
            busy.AddRange(result.Busy);
            upgraded.AddRange(result.Healthy);
            attempted += result.Attempted;
            failed += result.Failed;
            rolledBack += result.RolledBack;
            index++;
            if (RolloutPolicy.ShouldStop(failed, attempted, input.MaxFailedPercent))
            {
                stopReason = string.Create(CultureInfo.InvariantCulture,
                    $"{failed} of {attempted} upgraded workspace(s) failed ({RolloutPolicy.FailedPercent(failed, attempted)}%), more than maxFailedPercent {input.MaxFailedPercent}%: stopped after {kind} batch {result.Index} and rolling back.");
                break;
            }
        }

        string status;
        string reason;
        if (stopReason is not null)
        {
            await RecordAsync(context, new RolloutProgress(input.RolloutId, context.CurrentUtcDateTime, RolloutStates.RollingBack, stopReason));
            rolledBack += await RollBackAsync(context, input, upgraded);
            (status, reason) = (RolloutStates.Failed, stopReason);
        }
        else if (control.AbortRequested)
        {
            (status, reason) = (RolloutStates.Aborted, $"Aborted by {control.AbortedBy}; {upgraded.Count} workspace(s) were upgraded before it.");
        }
        else
        {
            (status, reason) = (RolloutStates.Succeeded, $"{upgraded.Count} workspace(s) upgraded to v{input.Version}, {failed} failed.");
        }

        await RecordAsync(context, new RolloutProgress(input.RolloutId, context.CurrentUtcDateTime, status, reason, Ended: true));
        return new RolloutOutcome(status, upgraded.Count, failed, rolledBack, reason);
    }

    sealed record BatchResult(int Index, List<RolloutTarget> Healthy, List<RolloutTarget> Busy, int Attempted, int Failed, int RolledBack);

    static async Task<BatchResult> RunBatchAsync(TaskOrchestrationContext context, RolloutControl control, RolloutInput input, int index, string kind, List<RolloutTarget> targets)
    {
        var batch = new RolloutBatchRecord(index, kind, targets.Select(t => t.WorkspaceId).ToList(), RolloutStates.Upgrading, context.CurrentUtcDateTime);
        var records = new List<RolloutWorkspaceRecord>();
        var busy = new List<RolloutTarget>();
        var running = new List<(RolloutTarget Target, UpgradeInput Upgrade)>();
        foreach (var t in targets)
        {
            var claim = await context.CallActivityAsync<RolloutClaimResult>(nameof(ClaimRolloutWorkspaceActivity), new RolloutClaimInput(input.RolloutId, t, input.Version, input.UpgradeStrategy, Rollback: false), Retry);
            if (claim.Upgrade is { } upgrade)
            {
                running.Add((t, upgrade));
                records.Add(new RolloutWorkspaceRecord(t.WorkspaceId, RolloutStates.Upgrading, index, upgrade.Operation.OperationId, CountAttempt: true));
            }
            else if (claim.Busy)
            {
                busy.Add(t);
                records.Add(new RolloutWorkspaceRecord(t.WorkspaceId, RolloutStates.Busy, index, Reason: $"Busy, to be tried again: {claim.Reason}", CountAttempt: true));
            }
            else
            {
                records.Add(new RolloutWorkspaceRecord(t.WorkspaceId, RolloutStates.Skipped, index, Reason: claim.Reason, CountAttempt: true));
            }
        }

        await RecordAsync(context, new RolloutProgress(input.RolloutId, context.CurrentUtcDateTime, Batch: batch, Workspaces: records));
        var upgrades = running.Select(r => RunUpgradeAsync(context, input.UpgradeStrategy, r.Upgrade)).ToList();
        var all = Task.WhenAll(upgrades);
        await control.WaitAsync(all, stopOnAbort: false);
        var outcomes = await all;

        records = [];
        var succeeded = new List<RolloutTarget>();
        int failed = 0, rolledBack = 0;
        for (int i = 0; i < running.Count; i++)
        {
            var (t, o) = (running[i].Target, outcomes[i]);
            if (o.Succeeded)
            {
                succeeded.Add(t);
                records.Add(new RolloutWorkspaceRecord(t.WorkspaceId, RolloutStates.Upgraded, index, OrchestrationVersion: o.OrchestrationVersion));
                continue;
            }

            failed++;
            if (o.RolledBack) rolledBack++;
            records.Add(new RolloutWorkspaceRecord(t.WorkspaceId, o.RolledBack ? RolloutStates.RolledBack : RolloutStates.Failed, index, OrchestrationVersion: o.OrchestrationVersion, Reason: o.Error, UpgradeFailed: true));
        }

        // Bake: a durable timer, so a restarted control plane neither cuts it short nor starts it again.
        var bakeStart = context.CurrentUtcDateTime;
        if (succeeded.Count > 0 && input.BakeMinutes > 0)
        {
            batch = batch with { Status = RolloutStates.Baking, BakeStartedAt = bakeStart };
            await RecordAsync(context, new RolloutProgress(input.RolloutId, bakeStart, Batch: batch, Workspaces: records));
            records = [];
            await control.DelayAsync(TimeSpan.FromMinutes(input.BakeMinutes));
            batch = batch with { BakeEndedAt = context.CurrentUtcDateTime };
        }

        var healthy = new List<RolloutTarget>();
        var unhealthy = new List<RolloutTarget>();
        if (succeeded.Count > 0)
        {
            var verdicts = await context.CallActivityAsync<IReadOnlyList<RolloutHealth>>(nameof(CheckRolloutHealthActivity), new RolloutHealthInput(succeeded, bakeStart), Retry);
            foreach (var t in succeeded)
            {
                var verdict = verdicts.FirstOrDefault(v => v.WorkspaceId == t.WorkspaceId);
                if (verdict is { Healthy: true })
                {
                    healthy.Add(t);
                }
                else
                {
                    unhealthy.Add(t);
                    records.Add(new RolloutWorkspaceRecord(t.WorkspaceId, RolloutStates.Failed, index, Reason: $"Health gate: {verdict?.Reason ?? "no verdict"}", UpgradeFailed: true));
                }
            }
        }

        failed += unhealthy.Count;
        batch = batch with
        {
            Status = failed > 0 ? RolloutStates.Failed : RolloutStates.Passed,
            EndedAt = context.CurrentUtcDateTime,
            Upgraded = healthy.Count,
            Failed = failed,
            Reason = failed > 0 ? $"{failed} workspace(s) failed the upgrade or the health gate." : null,
        };
        await RecordAsync(context, new RolloutProgress(input.RolloutId, context.CurrentUtcDateTime, Batch: batch, Workspaces: records));

        // A workspace that failed the gate is never left on the version that made it unhealthy.
        rolledBack += await RollBackAsync(context, input, unhealthy);
        return new BatchResult(index, healthy, busy, running.Count, failed, rolledBack);
    }

    /// <summary>Moves upgraded workspaces back to their old version, batchSize at a time. Returns how many made it.</summary>
    static async Task<int> RollBackAsync(TaskOrchestrationContext context, RolloutInput input, List<RolloutTarget> targets)
    {
        int done = 0;
        foreach (var chunk in targets.Chunk(Math.Max(1, input.BatchSize)))
        {
            var running = new List<(RolloutTarget Target, Task<UpgradeOutcome> Outcome)>();
            var records = new List<RolloutWorkspaceRecord>();
            foreach (var t in chunk)
            {
                var claim = await context.CallActivityAsync<RolloutClaimResult>(nameof(ClaimRolloutWorkspaceActivity), new RolloutClaimInput(input.RolloutId, t, t.FromVersion, input.UpgradeStrategy, Rollback: true), Retry);
                if (claim.Upgrade is { } rollback) running.Add((t, RunUpgradeAsync(context, input.UpgradeStrategy, rollback)));
                else records.Add(new RolloutWorkspaceRecord(t.WorkspaceId, RolloutStates.Failed, Reason: $"Rollback not started: {claim.Reason}"));
            }

            await Task.WhenAll(running.Select(r => r.Outcome));
            foreach (var (t, outcome) in running)
            {
                var o = await outcome;
                if (o.Succeeded) done++;
                records.Add(o.Succeeded
                    ? new RolloutWorkspaceRecord(t.WorkspaceId, RolloutStates.RolledBack, Reason: $"Rolled back to v{t.FromVersion} by the rollout.")
                    : new RolloutWorkspaceRecord(t.WorkspaceId, RolloutStates.Failed, Reason: $"Rollback to v{t.FromVersion} failed: {o.Error}"));
            }

            await RecordAsync(context, new RolloutProgress(input.RolloutId, context.CurrentUtcDateTime, Workspaces: records));
        }

        return done;
    }

    static async Task<UpgradeOutcome> RunUpgradeAsync(TaskOrchestrationContext context, UpgradeStrategy strategy, UpgradeInput upgrade)
    {
        try
        {
            return await context.CallSubOrchestratorAsync<UpgradeOutcome>(UpgradeOperations.OrchestratorFor(strategy), upgrade, new SubOrchestrationOptions { InstanceId = upgrade.Operation.OperationId });
        }
        catch (TaskFailedException e)
        {
            return new UpgradeOutcome(false, WorkspaceStatus.Failed, false, "upgrade_crashed", e.Message, null);
        }
    }

    static Task RecordAsync(TaskOrchestrationContext context, RolloutProgress progress) =>
        context.CallActivityAsync<bool>(nameof(RecordRolloutActivity), progress, Retry);
}
