using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Operations;

namespace Coder.Orchestrations.Snapshots.Orchestrators;

/// <param name="ResumeStatus">The workspace's status before the operation, which it returns to.</param>
public sealed record SnapshotOperationInput(WorkspaceOperationInput Operation, string SnapshotId, WorkspaceStatus ResumeStatus);
