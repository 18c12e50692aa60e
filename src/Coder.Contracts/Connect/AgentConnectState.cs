namespace Coder.Contracts.Connect;

/// <summary>
/// What an agent that listens on the relay reports about its way in, in its lifecycle payload's <c>connect</c> or a
/// <c>session</c> event's (<c>change: connect</c>, each time its listener goes on or off line): whether it listens, where
/// sshd is (null when absent) and why not. The workspace GET shows it as <c>agents[..].connect</c> (<see cref="AgentConnectView"/>).
/// </summary>
public sealed record AgentConnectState(string? Sshd = null, string? Reason = null, bool Listening = true, string? User = null);
