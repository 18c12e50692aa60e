namespace Coder.Contracts.Workspaces;

public sealed record ScaleWorkspaceRequest(WorkspaceSize? Size, int? Replicas);
