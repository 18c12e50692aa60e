using Coder.Contracts.Operations;

namespace Coder.Orchestrations.Operations;

/// <summary>The input of every workspace orchestration. <see cref="OperationId"/> is also the instance id.</summary>
public sealed record WorkspaceOperationInput(string WorkspaceId, string Owner, string OperationId, OperationKind Kind, string Actor, string? Reason = null, ScaleTarget? Scale = null);
