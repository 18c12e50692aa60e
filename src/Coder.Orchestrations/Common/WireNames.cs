using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Coder.Orchestrations.Common;

/// <summary>Enum values as their wire names (the <see cref="JsonStringEnumMemberNameAttribute"/>), for table properties.</summary>
public static class WireNames
{
    static readonly ConcurrentDictionary<Type, (Dictionary<object, string> ToName, Dictionary<string, object> FromName)> Cache = new();

    public static string Of<T>(T value) where T : struct, Enum => Maps(typeof(T)).ToName[value];

    /// <summary>Whether <paramref name="name"/> is the wire name of one of <paramref name="values"/>.</summary>
    public static bool IsAny<T>(string? name, ReadOnlySpan<T> values) where T : struct, Enum
    {
        foreach (var value in values)
        {
            if (name == Of(value)) return true;
        }

        return false;
    }

    public static T Parse<T>(string name) where T : struct, Enum =>
        TryParse<T>(name, out var value) ? value : throw new FormatException($"'{name}' is not a {typeof(T).Name}.");

    public static bool TryParse<T>(string? name, out T value) where T : struct, Enum
    {
        if (name is not null && Maps(typeof(T)).FromName.TryGetValue(name, out var boxed))
        {
            value = (T)boxed;
            return true;
        }

        value = default;
        return false;
    }

    static (Dictionary<object, string> ToName, Dictionary<string, object> FromName) Maps(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var to = new Dictionary<object, string>();
        var from = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var field in t.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            string name = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name.ToLowerInvariant();
            object value = field.GetValue(null)!;
            to[value] = name;
            from[name] = value;
        }

        return (to, from);
    });
}
