using Coder.Contracts.Agents;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>Reads where a build's agents are: the lifecycle ingest recorded, and whether their compute still runs.</summary>
public sealed class CheckAgentActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners)
{
    public async Task<AgentCheckResult> RunAsync(AgentCheckInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken);
        if (workspace is null) return new AgentCheckResult(AgentLifecycle.Off, 0, 0, false, "The workspace no longer exists.");
        // A blue-green green is checked on its own instance and agents, beside the live build.
        bool pending = workspace.PendingBuild is { } p && p == input.BuildId;
        if (workspace.AgentBuild != input.BuildId && !pending) return new AgentCheckResult(AgentLifecycle.Off, 0, workspace.Replicas, false, "A newer build replaced this one.");

        var states = AgentStates.Parse(pending ? workspace.PendingAgentStates : workspace.AgentStates);
        int ready = states.Count(s => s.Value.Lifecycle == AgentLifecycle.Ready);
        var lifecycle = pending ? AgentStates.Aggregate(states, workspace.Replicas)
            : WireNames.TryParse<AgentLifecycle>(workspace.AgentLifecycle, out var l) ? l : AgentLifecycle.Created;
        string? instance = pending ? workspace.PendingInstance : workspace.ComputeInstance;
        var item = await provisioners.Get(workspace.Provisioner).FindAsync(new WorkspaceRef(input.WorkspaceId, input.Owner, instance), cancellationToken);
        bool running = item is { Running: true } && item.BuildId == input.BuildId;
        string? reason = states.Values.Select(s => s.Reason).FirstOrDefault(r => r is not null);
        return new AgentCheckResult(lifecycle, ready, workspace.Replicas, running, reason);
    }
}
