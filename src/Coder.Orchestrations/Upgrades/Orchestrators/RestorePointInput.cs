using Coder.Orchestrations.Workspaces.Orchestrators;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="TargetWorkspaceId">Where to restore (a green instance restores blue's snapshot); null means the workspace itself.</param>
public sealed record RestorePointInput(WorkspaceOperationInput Operation, RestorePoint? Point, string? TargetWorkspaceId = null);
