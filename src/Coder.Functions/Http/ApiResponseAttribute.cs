namespace Coder.Functions.Http;

/// <summary>A success response a function gives (its signature returns <c>IActionResult</c>), for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiResponseAttribute(int status, Type? type = null) : Attribute
{
    public int Status { get; } = status;

    /// <summary>The body's contract type; null for no body, or for a body of any shape (<see cref="ContentType"/> set).</summary>
    public Type? Type { get; } = type;

    /// <summary>The body's media type: application/json when <see cref="Type"/> is set, else none unless given.</summary>
    public string? ContentType { get; init; }
}
