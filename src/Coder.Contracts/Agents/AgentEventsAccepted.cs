namespace Coder.Contracts.Agents;

/// <summary>202 reply to POST /api/agent/events; <see cref="ConfigVersion"/> tells the agent whether to re-fetch its manifest.</summary>
public sealed record AgentEventsAccepted(int Accepted, string ConfigVersion);
