namespace Coder.Contracts.Agents;

/// <summary>POST /api/agent/relay-token: a Listen token for exactly <c>{RelayUrl}/{Path}</c>; the agent asks again before <see cref="ExpiresAt"/>.</summary>
public sealed record AgentRelayToken(string RelayUrl, string Path, string Token, DateTimeOffset ExpiresAt);
