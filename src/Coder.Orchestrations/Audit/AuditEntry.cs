namespace Coder.Orchestrations.Audit;

/// <summary>
/// One audited action. <paramref name="Actor"/> is who (<c>user:alice</c>, <c>reconciler</c>, <c>autoscaler</c>),
/// <paramref name="Action"/> what (<c>POST workspaces/*/start</c>, <c>autoscale.up</c>), <paramref name="Target"/> on what
/// (<c>workspaces/ws-123</c>), <paramref name="Result"/> how it ended (<see cref="AuditResults"/>). Never put secrets here.
/// </summary>
public sealed record AuditEntry(string Actor, string Action, string Target, string Result, string? RequestId = null, int? Status = null, string? Detail = null);
