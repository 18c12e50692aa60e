namespace Coder.Orchestrations.Audit;

/// <summary>An audit row as GET /api/audit returns it. <paramref name="Count"/>: how many requests an aggregated row stands for.</summary>
public sealed record AuditEntryView(DateTimeOffset At, string Actor, string Action, string Target, string Result, int? Status, string? RequestId, string? Detail, int? Count = null);
