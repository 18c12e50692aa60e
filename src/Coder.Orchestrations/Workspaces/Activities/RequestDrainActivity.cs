using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Puts the operation's drain hint in the workspace's manifest (its config version changes, so the agents re-fetch it and
/// answer). Idempotent: a redelivery for the same operation keeps the answers already in (answers are kept by hint, so
/// those to an earlier hint do not count).
/// </summary>
public sealed class RequestDrainActivity(WorkspaceStore workspaces, WorkspaceAgentStore agents, IOptions<AgentBootstrapOptions> options)
{
    public async Task<DrainStatus> RunAsync(WorkspaceOperationInput input, CancellationToken cancellationToken)
    {
        // The declared size applied again (a size restored after drift) changes nothing the agents should prepare for.
        if (input.Scale is { Unchanged: true }) return new DrainStatus(0, 0, 0);
        var workspace = await workspaces.MutateAsync(input.Owner, input.WorkspaceId, w =>
        {
            if (w.OperationId != input.OperationId || w.DrainRequestId == input.OperationId) return false;
            w.DrainRequestId = input.OperationId;
            w.DrainReason = input.Kind.ToString().ToLowerInvariant();
            return true;
        }, cancellationToken);
        if (workspace is null || workspace.DrainRequestId != input.OperationId) return new DrainStatus(0, 0, 0);
        var (expected, acknowledged) = AgentDrainCounter.Count(workspace, await agents.ReadAsync(workspace, cancellationToken));
        return new DrainStatus(expected, acknowledged, options.Value.DrainTimeoutSeconds);
    }
}
