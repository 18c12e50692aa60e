using Coder.Contracts.Operations;

namespace Coder.Contracts.Snapshots;

/// <summary>202 body of <c>POST /api/workspaces/{id}/snapshots</c>.</summary>
public sealed record SnapshotAccepted(OperationRef Operation, string SnapshotId);
