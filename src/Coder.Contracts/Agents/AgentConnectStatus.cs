namespace Coder.Contracts.Agents;

/// <summary>
/// The agent's connect capability, carried by a <c>session</c> event (<see cref="SessionPayload.Connect"/>): whether it is
/// listening on the relay, the sshd it serves <c>ssh</c> sessions with (null when there is none) and why not.
/// </summary>
public sealed record AgentConnectStatus(bool Listening, string? Sshd, string? Reason = null);
