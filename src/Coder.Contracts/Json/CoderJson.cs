using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coder.Contracts.Json;

/// <summary>Shared serializer options: lenient for reading replies, strict for reading requests.</summary>
public static class CoderJson
{
    /// <summary>camelCase, nulls omitted, unknown fields ignored (forward compatible readers such as the agent).</summary>
    public static JsonSerializerOptions Options { get; } = new(CoderJsonContext.Default.Options);

    /// <summary>Request bodies: unknown fields are an error and nesting is bounded.</summary>
    public static JsonSerializerOptions Strict { get; } = new(CoderJsonContext.Default.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 32,
    };
}
