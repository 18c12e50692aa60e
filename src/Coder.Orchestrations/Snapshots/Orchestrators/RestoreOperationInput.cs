using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;

namespace Coder.Orchestrations.Snapshots.Orchestrators;

/// <param name="SafetySnapshotId">The snapshot taken of the current content before it is replaced.</param>
public sealed record RestoreOperationInput(WorkspaceOperationInput Operation, string SnapshotId, string SafetySnapshotId, WorkspaceStatus ResumeStatus);
