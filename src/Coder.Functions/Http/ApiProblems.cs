using Coder.Contracts.Errors;
using Coder.Orchestrations.Common;

namespace Coder.Functions.Http;

/// <summary>RFC 7807 responses. The type URI names the kind of problem; details never carry secrets.</summary>
public static class ApiProblems
{
    public static ApiResult From(CoderProblemException e, string requestId) =>
        Create(e.Status, e.Title, e.Detail, requestId, e.Errors, e.OperationId);

    public static ApiResult Create(int status, string title, string? detail, string requestId, IReadOnlyDictionary<string, string[]>? errors = null, string? operationId = null)
    {
        var problem = new ApiProblem
        {
            Type = $"https://coder.cloud/problems/{status}",
            Title = title,
            Status = status,
            Detail = detail,
            Errors = errors,
            OperationId = operationId,
            RequestId = requestId,
        };
        var result = new ApiResult(status, problem, "application/problem+json");
        if (status == 401) result.WithHeader("WWW-Authenticate", "Bearer");
        return result;
    }
}
