namespace Coder.Contracts.Operations;

/// <summary>POST /api/operations/{id}/cancel; the body is optional. The reason is shown on the workspace's timeline.</summary>
public sealed record CancelOperationRequest(string? Reason = null);
