namespace Coder.Contracts.Connect;

/// <summary>A Listen token for the agent's own <c>ws-{id}-{replica}</c>.</summary>
public sealed record RelayTokenResponse(string RelayUrl, string Path, string Token, DateTimeOffset ExpiresAt);
