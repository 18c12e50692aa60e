using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Coder.Orchestrations.Workspaces;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>
/// The blue-green switch: one ETag-guarded write moves the workspace's live instance, build, version and observed state
/// to green, and records blue as retired. From that write on blue's token is stale and green's events are the workspace's.
/// Returns blue's compute name and its grace period; the reconciler destroys blue when that is over. Idempotent: a redelivery finds green live and returns the blue it retired.
/// </summary>
public sealed class SwitchToGreenActivity(WorkspaceStore workspaces, IOptions<RolloutOptions> options, TimeProvider time)
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
            var states = AgentStates.Parse(w.PendingAgentStates);
            w.RetiredInstance = w.ComputeRef().ComputeName;
            w.RetiredUntil = now.AddSeconds(options.Value.BlueGraceSeconds);
            w.ComputeInstance = w.PendingInstance;
            w.AgentBuild = w.PendingBuild;
            w.TemplateVersion = version;
            w.AgentStates = w.PendingAgentStates;
            w.AgentLifecycle = WireNames.Of(AgentStates.Aggregate(states, w.Replicas));
            w.AgentConnection = "connected";
            w.LastHeartbeatAt = w.PendingHeartbeatAt;
            w.BuildStartedAt = now;
            w.PendingInstance = null;
            w.PendingBuild = null;
            w.PendingTemplateVersion = null;
            w.PendingAgentStates = null;
            w.PendingHeartbeatAt = null;
            w.UpdatedAt = now;
            return true;
        }, cancellationToken) ?? throw new InvalidOperationException($"Workspace {op.WorkspaceId} no longer exists.");
        string blue = updated.RetiredInstance ?? throw new InvalidOperationException("The switch recorded no retired instance.");
        return new GreenSwitch(blue, options.Value.BlueGraceSeconds);
    }
}
