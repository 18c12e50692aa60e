namespace Coder.Orchestrations.Reconciliation;

/// <summary>How far a running operation got: its status and when it last moved.</summary>
public sealed record OperationProgress(string OperationId, string Status, DateTimeOffset LastProgressAt);
