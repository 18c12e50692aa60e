using Coder.Contracts.Operations;

namespace Coder.Contracts.Workspaces;

/// <summary>202 body of POST /api/workspaces.</summary>
public sealed record WorkspaceAccepted(string Id, string Name, WorkspaceStatus Status, OperationRef Operation);
