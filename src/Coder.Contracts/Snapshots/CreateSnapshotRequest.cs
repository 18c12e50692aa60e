namespace Coder.Contracts.Snapshots;

/// <summary>Body of <c>POST /api/workspaces/{id}/snapshots</c>.</summary>
public sealed record CreateSnapshotRequest
{
    public string? Label { get; init; }
}
