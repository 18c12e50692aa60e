using System.Text.Json;

namespace Coder.Orchestrations.Common;

/// <summary>JSON helpers for values kept in Table Storage properties.</summary>
public static class Json
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, ServerJson.Options);

    public static T? Deserialize<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, ServerJson.Options);
}
