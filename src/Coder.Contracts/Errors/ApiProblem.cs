namespace Coder.Contracts.Errors;

/// <summary>RFC 7807 problem details as this API returns them.</summary>
public sealed record ApiProblem
{
    public string Type { get; init; } = "about:blank";
    public required string Title { get; init; }
    public required int Status { get; init; }
    public string? Detail { get; init; }
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>On 409 for a busy workspace: the running operation.</summary>
    public string? OperationId { get; init; }
    public string? RequestId { get; init; }
}
