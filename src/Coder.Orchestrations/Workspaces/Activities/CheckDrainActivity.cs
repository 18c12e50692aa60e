using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>How many of the workspace's ready agents answered the operation's drain hint so far.</summary>
public sealed class CheckDrainActivity(WorkspaceStore workspaces, WorkspaceAgentStore agents)
{
    public async Task<DrainStatus> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var read = workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken);
        var answers = agents.GetAsync(input.WorkspaceId, cancellationToken);
        await Task.WhenAll(read, answers);
        var workspace = await read;
        if (workspace is null || workspace.DrainRequestId != input.OperationId) return new DrainStatus(0, 0, 0);
        var (expected, acknowledged) = AgentDrainCounter.Count(workspace, await answers ?? WorkspaceAgentsEntity.FromLegacy(workspace));
        return new DrainStatus(expected, acknowledged, 0);
    }
}
