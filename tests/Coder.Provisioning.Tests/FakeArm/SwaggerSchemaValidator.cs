using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>
/// Validates request bodies against one definition of an official swagger with JsonSchema.Net: the swagger's
/// <c>definitions</c> become the schema document, so every <c>#/definitions/…</c> $ref resolves inside it. References
/// to the shared common-types files (not part of the service's swagger) become an open object. A swagger given as an
/// excerpt may reference a sibling file of its own folder (<c>./computeRPCommon.json#/definitions/X</c>): X resolves
/// inside the document when the excerpt holds it; a definition it does not hold is an open object too.
/// </summary>
public sealed class SwaggerSchemaValidator
{
    readonly JsonSchema _schema;

    public SwaggerSchemaValidator(JsonObject swagger, string definition)
    {
        var definitions = swagger["definitions"]!.DeepClone().AsObject();
        var known = definitions.Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
        definitions["__external"] = new JsonObject { ["type"] = "object" };
        RewriteExternalRefs(definitions, known, isPropertyMap: true);
        var document = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"https://contract.test/{Guid.NewGuid():N}/{definition}",
            ["$ref"] = $"#/definitions/{definition}",
            ["definitions"] = definitions,
        };
        _schema = JsonSchema.FromText(document.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    /// <summary>Empty when valid; otherwise "instance location: error" lines.</summary>
    public IReadOnlyList<string> Validate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = _schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"))
            .DefaultIfEmpty("invalid")
            .ToList();
    }

    /// <summary>OpenAPI 2.0 keywords that are not JSON Schema (x-ms-*, discriminator, example) are annotations only: dropped.</summary>
    static readonly HashSet<string> OpenApiOnly = ["discriminator", "example", "externalDocs", "xml"];

    static void RewriteExternalRefs(JsonNode? node, HashSet<string> known, bool isPropertyMap = false)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue r && r.GetValue<string>() is { } target) obj["$ref"] = Resolve(target, known);
                foreach (var (key, child) in obj.ToList())
                {
                    if (!isPropertyMap && (key.StartsWith("x-", StringComparison.Ordinal) || OpenApiOnly.Contains(key)))
                    {
                        obj.Remove(key);
                        continue;
                    }

                    // Children of "properties" and "definitions" are names, not keywords.
                    RewriteExternalRefs(child, known, !isPropertyMap && key is "properties" or "definitions");
                }

                break;
            case JsonArray array:
                foreach (var child in array) RewriteExternalRefs(child, known);
                break;
        }
    }

    /// <summary>Own definitions and those of a sibling file the document holds resolve locally; anything else is open.</summary>
    static string Resolve(string target, HashSet<string> known)
    {
        const string Definitions = "#/definitions/";
        int at = target.IndexOf(Definitions, StringComparison.Ordinal);
        bool local = at == 0 || (at > 0 && target.StartsWith("./", StringComparison.Ordinal));
        return local && known.Contains(target[(at + Definitions.Length)..]) ? target[at..] : "#/definitions/__external";
    }
}
