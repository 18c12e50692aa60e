namespace Coder.Contracts.Workspaces;

/// <summary>One timeline entry: what happened, why, and who or what asked.</summary>
/// <param name="Source">For schedule decisions: what caused it (<c>autostart</c>, <c>autostop</c>, <c>deadline</c>, <c>session:ssh:…</c>, <c>activity</c>).</param>
public sealed record WorkspaceEventView(DateTimeOffset At, string Kind, string Message, string? Reason, string? Actor, string? OperationId, string? Source = null);
