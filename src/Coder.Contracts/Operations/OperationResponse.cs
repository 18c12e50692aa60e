namespace Coder.Contracts.Operations;

/// <summary>GET /api/operations/{id}.</summary>
public sealed record OperationResponse
{
    public required string Id { get; init; }
    public required OperationKind Kind { get; init; }
    public string? WorkspaceId { get; init; }
    public required OperationStatus Status { get; init; }
    public string? Progress { get; init; }
    public string? Error { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
}
