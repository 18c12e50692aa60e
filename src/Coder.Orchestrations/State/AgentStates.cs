using Coder.Contracts.Agents;
using Coder.Contracts.Connect;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.State;

/// <summary>Per-agent lifecycle of the current build (one agent per replica), kept as JSON on the workspace row.</summary>
public static class AgentStates
{
    public static Dictionary<string, AgentReplicaState> Parse(string? json) =>
        Json.Deserialize<Dictionary<string, AgentReplicaState>>(json) ?? new Dictionary<string, AgentReplicaState>(StringComparer.Ordinal);

    public static string Serialize(Dictionary<string, AgentReplicaState> states) => Json.Serialize(states);

    /// <summary>The workspace's lifecycle: the least advanced replica, counting replicas not heard from as <c>created</c>.</summary>
    public static AgentLifecycle Aggregate(IReadOnlyDictionary<string, AgentReplicaState> states, int replicas)
    {
        if (states.Count < replicas) return states.Count == 0 ? AgentLifecycle.Created : MinOr(states, AgentLifecycle.Created);
        if (states.Values.Any(s => s.Lifecycle == AgentLifecycle.StartError)) return AgentLifecycle.StartError;
        if (states.Values.Any(s => s.Lifecycle == AgentLifecycle.StartTimeout)) return AgentLifecycle.StartTimeout;
        return states.Values.Select(s => s.Lifecycle).MinBy(AgentLifecycleOrder.Rank);
    }

    /// <summary>
    /// Moves one agent's lifecycle forward in <paramref name="json"/>; returns the new JSON and the workspace's aggregate, or
    /// null when the event is not a step forward (late or repeated), which changes nothing.
    /// </summary>
    public static (string Json, AgentLifecycle Aggregate)? Advance(string? json, string agentId, LifecyclePayload payload, int replicas)
    {
        var states = Parse(json);
        var previous = states.TryGetValue(agentId, out var s) ? s : new AgentReplicaState(AgentLifecycle.Created, null, null);
        if (!AgentLifecycleOrder.IsForward(previous.Lifecycle, payload.State)) return null;
        states[agentId] = previous with { Lifecycle = payload.State, Reason = payload.Reason ?? previous.Reason, Connect = payload.Connect ?? previous.Connect };
        return (Serialize(states), Aggregate(states, replicas));
    }

    /// <summary>
    /// Records what one agent last said about its way in (a <c>session</c> event with <c>change: connect</c>); its lifecycle
    /// is untouched. Null when the agent is not one of <paramref name="json"/>'s yet or nothing changed.
    /// </summary>
    public static string? WithConnect(string? json, string agentId, AgentConnectState connect)
    {
        var states = Parse(json);
        if (!states.TryGetValue(agentId, out var previous) || previous.Connect == connect) return null;
        states[agentId] = previous with { Connect = connect };
        return Serialize(states);
    }

    /// <summary>
    /// Records the sessions one agent reports open and returns the workspace's total, the sum over its agents: each replica
    /// reports only its own, so the last report alone would undercount (and flicker) once there are several. The JSON is
    /// null when nothing changed or the agent is not one of <paramref name="json"/>'s yet (then only its own count adds).
    /// </summary>
    public static (string? Json, int Total) WithSessions(string? json, string agentId, int sessions)
    {
        var states = Parse(json);
        int others = states.Where(s => s.Key != agentId).Sum(s => s.Value.Sessions ?? 0);
        if (!states.TryGetValue(agentId, out var previous) || (previous.Sessions ?? 0) == sessions) return (null, others + sessions);
        states[agentId] = previous with { Sessions = sessions };
        return (Serialize(states), others + sessions);
    }

    static AgentLifecycle MinOr(IReadOnlyDictionary<string, AgentReplicaState> states, AgentLifecycle floor)
    {
        var min = states.Values.Select(s => s.Lifecycle).MinBy(AgentLifecycleOrder.Rank);
        return AgentLifecycleOrder.Rank(min) < AgentLifecycleOrder.Rank(floor) ? min : floor;
    }
}
