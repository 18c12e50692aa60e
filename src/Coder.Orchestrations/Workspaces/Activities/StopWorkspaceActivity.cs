using Coder.Contracts.Agents;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Stops the workspace's compute and keeps its data, and revokes its agent tokens (a start issues new ones) and forgets
/// their redelivery markers. Stopping a stopped workspace changes nothing.
/// </summary>
public sealed class StopWorkspaceActivity(WorkspaceStore workspaces, WorkspaceAgentStore agents, ProvisionerRegistry provisioners, AgentTokenService tokens, AgentSeqMarkers markers)
{
    public async Task<bool> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken);
        if (workspace is null) return false;
        await provisioners.Get(workspace.Provisioner).StopAsync(workspace.ComputeRef(), cancellationToken);
        await agents.MutateAsync(workspace, null, a =>
        {
            // The agent reports shutting_down and off itself; a killed one cannot, so the platform's word closes it. Every
            // replica is closed too, so a shutting_down that is ingested late cannot move the workspace back from off.
            if (workspace.AgentBuild is { } build && a.Build != build) a.ResetTo(build);
            var states = AgentStates.Parse(a.AgentStates);
            foreach (string agent in states.Keys.ToList()) states[agent] = states[agent] with { Lifecycle = AgentLifecycle.Off };
            a.AgentStates = AgentStates.Serialize(states);
            a.Lifecycle = WireNames.Of(AgentLifecycle.Off);
            a.Connection = "disconnected";
            return true;
        }, cancellationToken);
        await tokens.RevokeWorkspaceAsync(input.WorkspaceId, cancellationToken);

        // Nothing its revoked agents send is applied again, so their redelivery markers can go.
        await markers.ForgetWorkspaceAsync(input.WorkspaceId, cancellationToken);
        return true;
    }
}
