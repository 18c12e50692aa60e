namespace Coder.Contracts.Agents;

public sealed record SessionPayload(int ActiveSessions, DateTimeOffset? LastActivityAt, string? Change = null)
{
    /// <summary>Set on the events whose <see cref="Change"/> is <c>connect</c>: the relay listener's state and sshd availability.</summary>
    public AgentConnectStatus? Connect { get; init; }
}
