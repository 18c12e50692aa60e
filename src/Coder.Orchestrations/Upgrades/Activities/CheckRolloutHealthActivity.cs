using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Coder.Orchestrations.Upgrades.Rollouts;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Upgrades.Activities;

/// <summary>
/// The rollout's health gate after the bake: reads each upgraded workspace's observed state and its timeline since the
/// bake started, and lets <see cref="RolloutPolicy.HealthProblem"/> decide. Read-only, so retrying it is harmless.
/// </summary>
public sealed class CheckRolloutHealthActivity(
    WorkspaceStore workspaces,
    WorkspaceAgentStore agents,
    TemplateStore templates,
    WorkspaceTimeline timeline,
    IOptions<RolloutOptions> options,
    Agents.FleetHeartbeat fleetHeartbeat,
    TimeProvider time)
{
    public async Task<IReadOnlyList<RolloutHealth>> RunAsync(RolloutHealthInput input, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var results = new List<RolloutHealth>();
        foreach (var t in input.Targets)
        {
            var w = await workspaces.GetAsync(t.Owner, t.WorkspaceId, cancellationToken);
            if (w is null || w.IsIn(Contracts.Workspaces.WorkspaceStatus.Deleted))
            {
                results.Add(new RolloutHealth(t.WorkspaceId, false, "workspace_deleted: the workspace is gone."));
                continue;
            }

            var spec = (await templates.GetVersionAsync(w.Template, w.TemplateVersion, cancellationToken))?.Spec;
            int heartbeat = await fleetHeartbeat.LivenessSecondsAsync(spec?.Agent?.HeartbeatSeconds, cancellationToken);
            var staleAfter = TimeSpan.FromSeconds(Math.Max(o.MinHeartbeatStaleSeconds, heartbeat * o.HeartbeatStaleIntervals));
            var events = await timeline.ListAsync(t.WorkspaceId, 200, "agent.", cancellationToken);
            int restarts = events.Count(e => e.At > input.Since && e.Kind == "agent.starting");
            var observed = await agents.ObserveAsync(w, cancellationToken);
            string? problem = RolloutPolicy.HealthProblem(w.Status, observed.Lifecycle, observed.LastHeartbeatAt, time.GetUtcNow(), staleAfter, restarts, o.CrashRestartThreshold);
            results.Add(new RolloutHealth(t.WorkspaceId, problem is null, problem));
        }

        return results;
    }
}
