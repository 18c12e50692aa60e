namespace Coder.Orchestrations.Audit;

/// <summary>An audit row as GET /api/audit returns it.</summary>
public sealed record AuditEntryView(DateTimeOffset At, string Actor, string Action, string Target, string Result, int? Status, string? RequestId, string? Detail);
