using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Upgrades.Activities;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>
/// Blue keeps serving while green, a second instance of the new version seeded from blue's snapshot, comes up and passes
/// the ready gate. Then one ETag-guarded write makes green the workspace and blue stops; after its grace period the
/// reconciler destroys blue. If green fails, green is destroyed and blue was never stopped.
/// </summary>
public static class BlueGreenUpgradeOrchestrator
{
    static readonly TaskOptions Retry = ActivityRetry.Options;

    public static async Task<UpgradeOutcome> RunAsync(TaskOrchestrationContext context, UpgradeInput input)
    {
        var op = input.Operation;
        var flow = new WorkspaceOperationFlow(context, op);
        string version = OrchestrationVersions.Of(context);
        string from = $"v{input.FromVersion}", to = $"v{input.ToVersion}";
        await flow.StepAsync("started", WorkspaceStatus.Updating, $"Upgrading from {from} to {to} (blue-green): blue keeps serving while green comes up.");
        await flow.StepAsync("plan", null, $"Plan (orchestration version {version}): snapshot blue, start green on {to} from it, wait for green's ready gate, switch, stop blue, destroy blue after its grace period.");

        RestorePoint? point;
        try
        {
            point = await context.CallActivityAsync<RestorePoint?>(nameof(CreateRestorePointActivity), op, Retry);
        }
        catch (TaskFailedException e)
        {
            var (_, message) = WorkspaceOperationFlow.Describe(e);
            return await KeepBlueAsync(flow, "restore_point_failed", $"No upgrade: blue's snapshot could not be taken ({message}).", version);
        }

        if (point is null) return await KeepBlueAsync(flow, "blue_green_unsupported", "No upgrade: this workspace's provisioner has no snapshots to start a green from; use in-place.", version);
        await flow.StepAsync("restore-point", null, $"Blue's snapshot {point.SnapshotId} taken ({point.SizeBytes} bytes); green starts from it.");

        EnsureWorkspaceResult green;
        try
        {
            await flow.StepAsync("green-starting", null, $"Starting green on {to} beside blue.");
            green = await context.CallActivityAsync<EnsureWorkspaceResult>(nameof(PrepareGreenActivity), new GreenInput(input, point), Retry);
            await flow.WaitForAgentReadyAsync(green);
        }
        catch (Exception e) when (e is WorkspaceOperationException or TaskFailedException)
        {
            var (reason, message) = WorkspaceOperationFlow.Describe(e);
            await context.CallActivityAsync<bool>(nameof(AbandonGreenActivity), op, Retry);
            return await KeepBlueAsync(flow, reason, $"Upgrade to {to} failed on green ({message}); green was destroyed and blue kept running {from}, untouched.", version);
        }

        await flow.StepAsync("green-ready", null, $"Green ({green.BuildId}) is ready on {to}.");
        var switched = await context.CallActivityAsync<GreenSwitch>(nameof(SwitchToGreenActivity), new SwitchToGreenInput(op, green.BuildId), Retry);
        await flow.StepAsync("switched", WorkspaceStatus.Running, $"Switched the workspace to green ({to}); stopping blue ({switched.BlueComputeName}).");
        await context.CallActivityAsync<bool>(nameof(StopComputeInstanceActivity), new ComputeInstanceInput(op, switched.BlueComputeName), Retry);
        // Blue's grace period is desired state on the row (RetiredUntil), so the reconciler destroys it when it ends, and
        // neither this operation nor a rollout batch waits for it.
        await flow.SucceedAsync(WorkspaceStatus.Running, $"Upgraded from {from} to {to} (blue-green). Blue stays stopped for {switched.GraceSeconds} s, then the reconciler destroys it.");
        return new UpgradeOutcome(true, WorkspaceStatus.Running, false, null, null, version);
    }

    static async Task<UpgradeOutcome> KeepBlueAsync(WorkspaceOperationFlow flow, string reason, string error, string version)
    {
        await flow.FailAsync(WorkspaceStatus.Running, reason, error);
        return new UpgradeOutcome(false, WorkspaceStatus.Running, false, reason, error, version);
    }
}
