namespace Coder.Contracts.Connect;

/// <summary><c>agents[..].connect</c> of a workspace: the agent listens on the relay; whether SSH clients can get in, and why not; the
/// user they log in as (what <c>coder config-ssh</c> writes as <c>User</c>).</summary>
public sealed record AgentConnectView(bool Listening, bool Sshd, string? Reason = null, string? User = null);
