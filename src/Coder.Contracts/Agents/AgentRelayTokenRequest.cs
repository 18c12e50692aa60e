namespace Coder.Contracts.Agents;

/// <summary>POST /api/agent/relay-token body: the replica whose relay path the agent listens on.</summary>
public sealed record AgentRelayTokenRequest(int Replica);
