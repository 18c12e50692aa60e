namespace Coder.Contracts.Agents;

/// <summary>
/// The agent's connect capability, carried by a <c>session</c> event (<see cref="SessionPayload.Connect"/>): whether it is
/// listening on the relay, the sshd it serves <c>ssh</c> sessions with (null when there is none) and why not, and the user
/// an SSH client logs in as (sshd runs as the agent's own user and can let in no other).
/// </summary>
public sealed record AgentConnectStatus(bool Listening, string? Sshd, string? Reason = null, string? User = null);
