using Coder.Contracts.Errors;

namespace Coder.Cli.Http;

/// <summary>The API answered with an error; <see cref="Problem"/> is its RFC 7807 body.</summary>
public sealed class ApiException(ApiProblem problem) : Exception(problem.Detail ?? problem.Title)
{
    public ApiProblem Problem { get; } = problem;
}
