using System.Text.Json;

namespace Coder.Orchestrations.Templates.Parameters;

/// <summary>
/// Parameter values as the workspace row keeps them (a JSON object, name → typed value), and as scripts see them (text).
/// </summary>
public static class ParameterValues
{
    /// <summary>At most this many characters of values per workspace (a Table property holds 32K characters).</summary>
    public const int MaxStoredChars = 16_384;

    public static Dictionary<string, JsonElement> Read(string? json) =>
        Common.Json.Deserialize<Dictionary<string, JsonElement>>(json) is { } values
            ? new Dictionary<string, JsonElement>(values, StringComparer.Ordinal)
            : new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    public static string? Write(IReadOnlyDictionary<string, JsonElement> values) =>
        values.Count == 0 ? null : Common.Json.Serialize(new SortedDictionary<string, JsonElement>(values.ToDictionary(), StringComparer.Ordinal));

    /// <summary>A value as its environment variable holds it: strings as they are, numbers and bools as JSON, lists as a JSON array.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => JsonSerializer.Serialize(value),
    };

    /// <summary>Same value: numbers by value (2 and 2.0 agree), everything else by its compact JSON.</summary>
    public static bool Same(JsonElement? a, JsonElement? b)
    {
        if (a is not { } x || b is not { } y) return a is null && b is null;
        if (x.ValueKind == JsonValueKind.Number && y.ValueKind == JsonValueKind.Number) return x.GetDouble() == y.GetDouble();
        return x.ValueKind == y.ValueKind && JsonSerializer.Serialize(x) == JsonSerializer.Serialize(y);
    }

    /// <summary>The names whose value differs between <paramref name="a"/> and <paramref name="b"/>, sorted.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, JsonElement> a, IReadOnlyDictionary<string, JsonElement> b) =>
        a.Keys.Union(b.Keys)
            .Where(name => !Same(a.TryGetValue(name, out var x) ? x : null, b.TryGetValue(name, out var y) ? y : null))
            .Order(StringComparer.Ordinal)
            .ToList();
}
