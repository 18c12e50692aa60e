namespace Coder.Orchestrations.Events;

/// <summary>The data of a published <c>Coder.Workspace.*</c> lifecycle event.</summary>
public sealed record WorkspaceLifecycleEventData(string WorkspaceId, string Owner, string OperationId, string OperationKind, string Status, bool Succeeded, string Message, string? Reason, string? Error);
