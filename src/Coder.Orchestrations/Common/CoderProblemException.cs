namespace Coder.Orchestrations.Common;

/// <summary>
/// A request the domain refuses, with the HTTP status it maps to. Thrown by services, turned into problem+json by the
/// HTTP adapter, never retried.
/// </summary>
public sealed class CoderProblemException : Exception
{
    public CoderProblemException(int status, string title, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null, string? operationId = null)
        : base(detail ?? title)
    {
        Status = status;
        Title = title;
        Detail = detail;
        Errors = errors;
        OperationId = operationId;
    }

    public int Status { get; }
    public string Title { get; }
    public string? Detail { get; }
    public IReadOnlyDictionary<string, string[]>? Errors { get; }
    public string? OperationId { get; }

    public static CoderProblemException Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(400, "One or more fields are invalid.", string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))), errors);

    public static CoderProblemException Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static CoderProblemException NotFound(string what) => new(404, "Not found.", $"{what} was not found.");

    public static CoderProblemException Conflict(string detail, string? operationId = null) => new(409, "Conflict.", detail, operationId: operationId);

    public static CoderProblemException PreconditionFailed(string detail) => new(412, "Precondition failed.", detail);

    public static CoderProblemException Unauthorized() => new(401, "Unauthorized.", "A valid bearer token is required.");

    public static CoderProblemException Forbidden(string detail) => new(403, "Forbidden.", detail);
}
