using Coder.Contracts.Agents;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Workspaces.Activities;

/// <summary>Counts a workspace's ready agents and how many of them answered the current drain hint.</summary>
internal static class AgentDrainCounter
{
    public static (int Expected, int Acknowledged) Count(WorkspaceEntity workspace)
    {
        var ready = AgentStates.Parse(workspace.AgentStates).Where(s => s.Value.Lifecycle == AgentLifecycle.Ready).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var acks = (workspace.DrainAcks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        return (ready.Count, acks.Count(ready.Contains));
    }
}
