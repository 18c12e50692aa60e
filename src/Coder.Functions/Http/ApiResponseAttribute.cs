namespace Coder.Functions.Http;

/// <summary>A success response a function gives (its signature returns <c>IActionResult</c>), for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiResponseAttribute(int status, Type? type = null) : Attribute
{
    public int Status { get; } = status;

    /// <summary>The body's contract type; null for no body or a non-JSON one (<see cref="ContentType"/>).</summary>
    public Type? Type { get; } = type;

    public string ContentType { get; init; } = "application/json";
}
