namespace Coder.Contracts.Agents;

public sealed record SessionPayload(int ActiveSessions, DateTimeOffset? LastActivityAt, string? Change = null)
{
    /// <summary>On <c>open</c> and <c>close</c>: which session, and its kind (<c>ssh</c>, <c>pty</c>, <c>exec</c>, <c>tcp</c>, <c>local</c>).</summary>
    public string? SessionId { get; init; }
    public string? SessionKind { get; init; }

    /// <summary>Set on the events whose <see cref="Change"/> is <c>connect</c>: the relay listener's state and sshd availability.</summary>
    public AgentConnectStatus? Connect { get; init; }
}
