namespace Coder.Contracts.Connect;

/// <summary>
/// What an agent that listens on the relay reports about its way in, in its lifecycle payload's <c>connect</c>: where
/// sshd is (null when absent) and why not. The workspace GET shows it as <c>agents[..].connect</c> (<see cref="AgentConnectView"/>).
/// </summary>
public sealed record AgentConnectState(string? Sshd = null, string? Reason = null);
