namespace Coder.Contracts.Agents;

/// <summary>The partial order of lifecycle states: ready, start_error and start_timeout share one rank.</summary>
public static class AgentLifecycleOrder
{
    public static int Rank(AgentLifecycle state) => state switch
    {
        AgentLifecycle.Created => 0,
        AgentLifecycle.Starting => 1,
        AgentLifecycle.Ready or AgentLifecycle.StartError or AgentLifecycle.StartTimeout => 2,
        AgentLifecycle.ShuttingDown => 3,
        AgentLifecycle.Off => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>True when moving from <paramref name="current"/> to <paramref name="next"/> goes strictly forward.</summary>
    public static bool IsForward(AgentLifecycle current, AgentLifecycle next) => Rank(next) > Rank(current);
}
