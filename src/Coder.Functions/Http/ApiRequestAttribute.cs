namespace Coder.Functions.Http;

/// <summary>The JSON body a function reads (its signature takes the raw request), for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiRequestAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;

    /// <summary>False where an empty body means the defaults.</summary>
    public bool Required { get; init; } = true;
}
