namespace Coder.Contracts.Templates;

/// <summary>Extension: how the agent of this template behaves.</summary>
public sealed record AgentSpec
{
    public int? HeartbeatSeconds { get; init; }
    public int? MetricsSeconds { get; init; }

    /// <summary>How long a provision or start waits for the agent's <c>ready</c>.</summary>
    public int? ReadyTimeoutSeconds { get; init; }

    /// <summary>How long the agent may take to connect at all before it is <c>timeout</c>.</summary>
    public int? ConnectTimeoutSeconds { get; init; }
    public IReadOnlyList<Coder.Contracts.Agents.AgentPlugin>? Plugins { get; init; }
}
