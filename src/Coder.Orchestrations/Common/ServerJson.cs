using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Coder.Contracts.Json;

namespace Coder.Orchestrations.Common;

/// <summary>The control plane's serializer options: the wire contract's metadata first, reflection for internal types.</summary>
public static class ServerJson
{
    /// <summary>For responses and stored values.</summary>
    public static JsonSerializerOptions Options { get; } = Create(strict: false);

    /// <summary>For request bodies: unknown fields are an error, and nesting is bounded.</summary>
    public static JsonSerializerOptions Strict { get; } = Create(strict: true);

    static JsonSerializerOptions Create(bool strict)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(CoderJsonContext.Default, new DefaultJsonTypeInfoResolver()),
            MaxDepth = 32,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        if (strict) options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.MakeReadOnly();
        return options;
    }
}
