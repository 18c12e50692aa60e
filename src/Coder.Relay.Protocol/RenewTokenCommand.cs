namespace Coder.Relay.Protocol;

/// <summary>The listener's <c>renewToken</c> command: a fresh token before the one it listened with expires.</summary>
public sealed record RenewTokenCommand(string Token);
