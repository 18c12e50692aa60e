using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>
/// The blue-green switch: one ETag-guarded write moves the workspace's live instance, build and version to green, and
/// records blue as retired. From that write on blue's token is stale and green's events are the workspace's. Then green's
/// section of the agents row becomes its live section (until then readers find the live build in the green section).
/// Returns blue's compute name and its grace period; the reconciler destroys blue when that is over. Idempotent: a redelivery finds green live and returns the blue it retired.
/// </summary>
public sealed class SwitchToGreenActivity(WorkspaceStore workspaces, WorkspaceAgentStore agents, IOptions<RolloutOptions> options, TimeProvider time)
{
    public async Task<GreenSwitch> RunAsync(SwitchToGreenInput input, CancellationToken cancellationToken)
    {
        var op = input.Operation;
        var now = time.GetUtcNow();
        var updated = await workspaces.MutateAsync(op.Owner, op.WorkspaceId, w =>
        {
            PrepareGreenActivity.RequireCurrent(w, op);
            if (w.AgentBuild == input.GreenBuild && w.PendingBuild is null) return false;
            if (w.PendingBuild != input.GreenBuild || w.PendingTemplateVersion is not { } version)
                throw new InvalidOperationException($"Green build {input.GreenBuild} is not the workspace's pending build.");
            w.RetiredInstance = w.ComputeRef().ComputeName;
            w.RetiredUntil = now.AddSeconds(options.Value.BlueGraceSeconds);
            w.ComputeInstance = w.PendingInstance;
            w.AgentBuild = w.PendingBuild;
            w.TemplateVersion = version;
            w.BuildStartedAt = now;
            w.BuildParametersJson = w.ParametersJson;
            w.PendingInstance = null;
            w.PendingBuild = null;
            w.PendingTemplateVersion = null;
            w.UpdatedAt = now;
            return true;
        }, cancellationToken) ?? throw new InvalidOperationException($"Workspace {op.WorkspaceId} no longer exists.");
        await agents.MutateAsync(updated, null, a =>
        {
            if (a.PendingBuild != input.GreenBuild) return false;
            var live = AgentObservation.Of(updated, a);
            a.ResetTo(input.GreenBuild);
            a.AgentStates = live.AgentStates;
            a.Lifecycle = WireNames.Of(live.Lifecycle);
            a.Connection = "connected";
            a.LastHeartbeatAt = live.LastHeartbeatAt;
            a.ResetPendingTo(null);
            return true;
        }, cancellationToken);
        string blue = updated.RetiredInstance ?? throw new InvalidOperationException("The switch recorded no retired instance.");
        return new GreenSwitch(blue, options.Value.BlueGraceSeconds);
    }
}
