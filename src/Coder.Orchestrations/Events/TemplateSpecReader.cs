using System.Text.Json;
using System.Text.Json.Nodes;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using YamlDotNet.Core;

namespace Coder.Orchestrations.Events;

/// <summary>Reads an uploaded template spec, JSON or YAML, with the API's strict rules (unknown fields are errors).</summary>
public static class TemplateSpecReader
{
    public const int MaxBytes = 256 * 1024;

    public static TemplateSpec Read(string blobName, BinaryData content)
    {
        if (content.ToMemory().Length > MaxBytes) throw new CoderProblemException(413, "Payload too large.", $"Template specs are limited to {MaxBytes / 1024} KiB.");
        string text = content.ToString().TrimStart('\uFEFF');
        bool yaml = blobName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || blobName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            || (!blobName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !text.TrimStart().StartsWith('{'));
        try
        {
            JsonNode? node = yaml ? YamlJson.Convert(text) : JsonNode.Parse(text);
            return node?.Deserialize<TemplateSpec>(ServerJson.Strict) ?? throw CoderProblemException.Validation("body", "A template spec object is required.");
        }
        catch (YamlException e)
        {
            throw CoderProblemException.Validation("body", $"Malformed YAML: {e.Message}");
        }
        catch (JsonException e)
        {
            var (field, message) = JsonProblemField.Of(e, "body");
            throw CoderProblemException.Validation(field, message);
        }
    }
}
