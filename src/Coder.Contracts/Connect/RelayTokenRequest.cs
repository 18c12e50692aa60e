namespace Coder.Contracts.Connect;

/// <summary>POST /api/agent/relay-token.</summary>
public sealed record RelayTokenRequest(int? Replica = null);
