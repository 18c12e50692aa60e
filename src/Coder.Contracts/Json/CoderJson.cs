using System.Text.Json;

namespace Coder.Contracts.Json;

/// <summary>Serializer options for clients (agent, CLI): camelCase, nulls omitted, unknown fields ignored for forward compatibility.</summary>
public static class CoderJson
{
    public static JsonSerializerOptions Options { get; } = new(CoderJsonContext.Default.Options);
}
