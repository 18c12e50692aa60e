using System.Text.Json;

namespace Coder.Agent.Plugins;

/// <summary>What a plugin printed: <c>{"metrics":{name:number}, "metadata":{name:string}}</c>.</summary>
public sealed record PluginOutput(IReadOnlyDictionary<string, double> Metrics, IReadOnlyDictionary<string, string> Metadata)
{
    /// <exception cref="JsonException">The output is not that shape.</exception>
    public static PluginOutput Parse(string text)
    {
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("plugin output is not a JSON object");
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (document.RootElement.TryGetProperty("metrics", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in m.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Number) metrics[property.Name] = property.Value.GetDouble();
            }
        }
        if (document.RootElement.TryGetProperty("metadata", out var d) && d.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in d.EnumerateObject()) metadata[property.Name] = property.Value.ToString();
        }
        return new PluginOutput(metrics, metadata);
    }
}
