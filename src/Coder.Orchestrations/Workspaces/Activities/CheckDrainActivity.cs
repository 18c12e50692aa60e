using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>How many of the workspace's ready agents answered the operation's drain hint so far.</summary>
public sealed class CheckDrainActivity(WorkspaceStore workspaces)
{
    public async Task<DrainStatus> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken);
        if (workspace is null || workspace.DrainRequestId != input.OperationId) return new DrainStatus(0, 0, 0);
        var (expected, acknowledged) = AgentDrainCounter.Count(workspace);
        return new DrainStatus(expected, acknowledged, 0);
    }
}
