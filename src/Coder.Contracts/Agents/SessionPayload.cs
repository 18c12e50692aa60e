namespace Coder.Contracts.Agents;

public sealed record SessionPayload(int ActiveSessions, DateTimeOffset? LastActivityAt, string? Change = null);
