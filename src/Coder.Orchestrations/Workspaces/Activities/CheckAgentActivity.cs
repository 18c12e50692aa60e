using Coder.Contracts.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>
/// Reads where a build's agents are: the lifecycle ingest recorded, and whether their compute still runs. When they are not
/// done yet, the operation is about to wait for a signal, so the agents row is marked as wanting one (<see
/// cref="WorkspaceAgentsEntity.SignalBuild"/>) in a write guarded by the ETag of the row that was read: a lifecycle change
/// stored in between fails that write, and the check reads again and sees it. The workspace row is not written.
/// </summary>
public sealed class CheckAgentActivity(WorkspaceStore workspaces, WorkspaceAgentStore agents, ProvisionerRegistry provisioners)
{
    // A conflict on the mark means the row changed since it was read (perhaps the very change the operation would wait
    // for): the whole check runs again on a fresh read.
    public Task<AgentCheckResult> RunAsync(AgentCheckInput input, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryOnConflictAsync(async (_, ct) =>
        {
            var read = workspaces.GetAsync(input.Owner, input.WorkspaceId, ct);
            var observed = agents.GetAsync(input.WorkspaceId, ct);
            await Task.WhenAll(read, observed);
            var workspace = await read;
            if (workspace is null) return new AgentCheckResult(AgentLifecycle.Off, 0, 0, false, "The workspace no longer exists.");
            // A blue-green green is checked on its own instance and agents, beside the live build.
            bool pending = workspace.PendingBuild is { } p && p == input.BuildId;
            if (workspace.AgentBuild != input.BuildId && !pending) return new AgentCheckResult(AgentLifecycle.Off, 0, workspace.Replicas, false, "A newer build replaced this one.");

            var row = await observed ?? WorkspaceAgentsEntity.FromLegacy(workspace);
            var (lifecycle, statesJson) = row.Build == input.BuildId
                ? (WireNames.TryParse<AgentLifecycle>(row.Lifecycle, out var l) ? l : AgentLifecycle.Created, row.AgentStates)
                : row.PendingBuild == input.BuildId
                    ? (AgentStates.Aggregate(AgentStates.Parse(row.PendingAgentStates), workspace.Replicas), row.PendingAgentStates)
                    : (AgentLifecycle.Created, null);
            var states = AgentStates.Parse(statesJson);
            int ready = states.Count(s => s.Value.Lifecycle == AgentLifecycle.Ready);
            string? instance = pending ? workspace.PendingInstance : workspace.ComputeInstance;
            var item = await provisioners.Get(workspace.Provisioner).FindAsync(new WorkspaceRef(input.WorkspaceId, input.Owner, instance), ct);
            bool running = item is { Running: true } && item.BuildId == input.BuildId;
            string? reason = states.Values.Select(s => s.Reason).FirstOrDefault(r => r is not null);
            var result = new AgentCheckResult(lifecycle, ready, workspace.Replicas, running, reason);

            if (!WillWait(result) || workspace.OperationId is not { } operationId || (row.SignalBuild == input.BuildId && row.SignalOperation == operationId)) return result;
            row.SignalBuild = input.BuildId;
            row.SignalOperation = operationId;
            await agents.SaveAsync(row, ct);
            return result;
        }, cancellationToken);

    /// <summary>Whether the operation goes on to wait for a signal after this check (see <see cref="WorkspaceOperationFlow.WaitForAgentReadyAsync"/>).</summary>
    static bool WillWait(AgentCheckResult check) =>
        check.ProcessesRunning
        && check.Lifecycle is not (AgentLifecycle.StartError or AgentLifecycle.StartTimeout)
        && !(check.Lifecycle == AgentLifecycle.Ready && check.ReadyReplicas >= check.Replicas);
}
