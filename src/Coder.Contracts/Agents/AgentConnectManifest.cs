namespace Coder.Contracts.Agents;

/// <summary>
/// The manifest's <c>connect</c>: where the agent listens on the relay (<see cref="Path"/> = <c>ws-{workspaceId}-{replica}</c>)
/// and its caps. Absent: the agent does not listen. <see cref="Sshd"/> is left null by the control plane; the agent reports
/// sshd availability itself (<see cref="AgentConnectStatus"/>).
/// </summary>
public sealed record AgentConnectManifest(string RelayUrl, string Path, int MaxSessionsPerConnection = 32, int MaxConnections = 16, string? Sshd = null);
