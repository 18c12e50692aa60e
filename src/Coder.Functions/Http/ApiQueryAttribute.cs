namespace Coder.Functions.Http;

/// <summary>A query parameter a function reads, for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiQueryAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    /// <summary>An integer in the OpenAPI document (its clients send a number); otherwise a string.</summary>
    public bool IsInteger { get; init; }
}
