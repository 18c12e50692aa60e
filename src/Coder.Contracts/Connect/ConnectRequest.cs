namespace Coder.Contracts.Connect;

/// <summary>POST /api/workspaces/{id}/connect; the body is optional (replica 0).</summary>
public sealed record ConnectRequest(int? Replica = null);
