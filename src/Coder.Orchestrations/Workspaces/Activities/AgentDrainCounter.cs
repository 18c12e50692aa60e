using Coder.Contracts.Agents;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>Counts a workspace's ready agents and how many of them answered its current drain hint.</summary>
static class AgentDrainCounter
{
    public static (int Expected, int Acknowledged) Count(WorkspaceEntity workspace, WorkspaceAgentsEntity agents)
    {
        var ready = AgentStates.Parse(AgentObservation.Of(workspace, agents).AgentStates).Where(s => s.Value.Lifecycle == AgentLifecycle.Ready).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var acks = agents.DrainId is { } answered && answered == workspace.DrainRequestId ? (agents.DrainAcks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        return (ready.Count, acks.Count(ready.Contains));
    }
}
