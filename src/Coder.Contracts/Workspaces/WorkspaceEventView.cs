namespace Coder.Contracts.Workspaces;

/// <summary>One timeline entry: what happened, why, and who or what asked.</summary>
public sealed record WorkspaceEventView(DateTimeOffset At, string Kind, string Message, string? Reason, string? Actor, string? OperationId);
