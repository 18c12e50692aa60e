namespace Coder.Contracts.Snapshots;

/// <summary>Body of <c>POST /api/workspaces/{id}/restore</c>.</summary>
public sealed record RestoreWorkspaceRequest
{
    public string? SnapshotId { get; init; }
}
