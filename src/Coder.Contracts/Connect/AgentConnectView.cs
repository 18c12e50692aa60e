namespace Coder.Contracts.Connect;

/// <summary><c>agents[..].connect</c> of a workspace: the agent listens on the relay; whether SSH clients can get in, and why not.</summary>
public sealed record AgentConnectView(bool Listening, bool Sshd, string? Reason = null);
