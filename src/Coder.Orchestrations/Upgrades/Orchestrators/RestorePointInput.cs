using Coder.Orchestrations.Operations;


namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="TargetInstance">Which compute instance to restore into (a green restores blue's snapshot); null means the live one.</param>
public sealed record RestorePointInput(WorkspaceOperationInput Operation, RestorePoint? Point, string? TargetInstance = null);
