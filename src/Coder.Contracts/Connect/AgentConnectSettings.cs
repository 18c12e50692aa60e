namespace Coder.Contracts.Connect;

/// <summary>
/// The manifest's <c>connect</c> section, present only when a relay is configured: where the agent listens
/// (<paramref name="Path"/> is replica 0's; an agent of another replica listens on <c>ws-{id}-{replica}</c>, see
/// <see cref="RelayPaths"/>) and its caps. <paramref name="Sshd"/> is always null from the control plane: the agent
/// reports sshd's availability itself.
/// </summary>
public sealed record AgentConnectSettings(string RelayUrl, string Path, int MaxSessionsPerConnection = 32, int MaxConnections = 16, string? Sshd = null);
