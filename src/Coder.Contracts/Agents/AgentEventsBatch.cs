namespace Coder.Contracts.Agents;

/// <summary>POST /api/agent/events body (the HTTP transport).</summary>
public sealed record AgentEventsBatch(IReadOnlyList<AgentEnvelope> Events);
