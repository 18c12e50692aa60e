using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Upgrades.Activities;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>
/// Restore point (when the provisioner has snapshots), stop (always), apply the new version, start, wait for ready. On a
/// failure it stops again, pins the old version, restores the restore point and starts: the workspace ends running its
/// old version with the reason on its timeline.
/// </summary>
public static class InPlaceUpgradeOrchestrator
{
    static readonly TaskOptions Retry = ActivityRetry.Options;

    public static async Task<UpgradeOutcome> RunAsync(TaskOrchestrationContext context, UpgradeInput input)
    {
        var op = input.Operation;
        var flow = new WorkspaceOperationFlow(context, op);
        string version = OrchestrationVersions.Of(context);
        await flow.StepAsync("started", WorkspaceStatus.Updating, $"Upgrading from v{input.FromVersion} to v{input.ToVersion} (in-place).");
        if (OrchestrationVersions.AtLeast(context, OrchestrationVersions.UpgradePlanStep))
        {
            await flow.StepAsync("plan", null, $"Plan (orchestration version {version}): restore point, stop, apply v{input.ToVersion}, start, wait for ready.");
        }

        RestorePoint? point;
        try
        {
            point = await context.CallActivityAsync<RestorePoint?>(nameof(CreateRestorePointActivity), op, Retry);
            await flow.StepAsync("restore-point", null, point is null
                ? "No restore point: this workspace's provisioner has no snapshots."
                : $"Restore point {point.SnapshotId} taken ({point.SizeBytes} bytes).");
        }
        catch (TaskFailedException e)
        {
            // Nothing has changed yet: the workspace keeps running its old version.
            var (_, message) = WorkspaceOperationFlow.Describe(e);
            await flow.FailAsync(WorkspaceStatus.Running, "restore_point_failed", $"No upgrade: the restore point could not be taken ({message}).");
            return new UpgradeOutcome(false, WorkspaceStatus.Running, false, "restore_point_failed", message, version);
        }

        try
        {
            await flow.StepAsync("stopping", WorkspaceStatus.Stopping, $"Stopping v{input.FromVersion} to upgrade it.");
            await flow.StopAsync();
            await context.CallActivityAsync<bool>(nameof(ApplyTemplateVersionActivity), new ApplyVersionInput(op, input.ToVersion), Retry);
            await flow.StepAsync("starting", WorkspaceStatus.Starting, $"Starting on v{input.ToVersion} with a new agent build.");
            var ensure = await flow.EnsureAsync();
            await flow.WaitForAgentReadyAsync(ensure);
            await flow.SucceedAsync(WorkspaceStatus.Running, $"Upgraded from v{input.FromVersion} to v{input.ToVersion}.");
            return new UpgradeOutcome(true, WorkspaceStatus.Running, false, null, null, version);
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            return await RollBackAsync(context, flow, input, point, reason, message, version);
        }
    }

    static async Task<UpgradeOutcome> RollBackAsync(TaskOrchestrationContext context, WorkspaceOperationFlow flow, UpgradeInput input, RestorePoint? point, string reason, string message, string version)
    {
        var op = input.Operation;
        await flow.StepAsync("rolling-back", WorkspaceStatus.Updating,
            $"Upgrade to v{input.ToVersion} failed ({message}); rolling back to v{input.FromVersion}" + (point is null ? "." : $" from restore point {point.SnapshotId}."), reason);
        try
        {
            await flow.StopAsync();
            await context.CallActivityAsync<bool>(nameof(ApplyTemplateVersionActivity), new ApplyVersionInput(op, input.FromVersion), Retry);
            if (point is not null)
            {
                await context.CallActivityAsync<bool>(nameof(RestoreFromRestorePointActivity), new RestorePointInput(op, point), Retry);
                await flow.StepAsync("restored", null, $"Files restored from restore point {point.SnapshotId}.", reason);
            }

            await flow.StepAsync("restarting", WorkspaceStatus.Starting, $"Starting v{input.FromVersion} again.", reason);
            var ensure = await flow.EnsureAsync();
            await flow.WaitForAgentReadyAsync(ensure);
            string error = $"Upgrade to v{input.ToVersion} failed and was rolled back to v{input.FromVersion}: {message}";
            await flow.FailAsync(WorkspaceStatus.Running, reason, error);
            return new UpgradeOutcome(false, WorkspaceStatus.Running, true, reason, error, version);
        }
        catch (Exception rollback) when (rollback is WorkspaceOperationException or TaskFailedException)
        {
            var (_, rollbackMessage) = WorkspaceOperationFlow.Describe(rollback);
            string error = $"Upgrade to v{input.ToVersion} failed ({message}) and so did the rollback ({rollbackMessage}).";
            await flow.FailAsync(WorkspaceStatus.Failed, "upgrade_rollback_failed", error);
            return new UpgradeOutcome(false, WorkspaceStatus.Failed, false, "upgrade_rollback_failed", error, version);
        }
    }
}
