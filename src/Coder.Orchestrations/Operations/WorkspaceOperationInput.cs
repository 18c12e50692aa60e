using Coder.Contracts.Operations;

namespace Coder.Orchestrations.Operations;

/// <summary>The input of every workspace orchestration. <see cref="OperationId"/> is also the instance id.</summary>
/// <param name="Force">A delete that goes on when tearing down the compute fails (<c>DELETE ...?force=true</c>).</param>
public sealed record WorkspaceOperationInput(string WorkspaceId, string Owner, string OperationId, OperationKind Kind, string Actor, string? Reason = null, ScaleTarget? Scale = null, bool Force = false);
