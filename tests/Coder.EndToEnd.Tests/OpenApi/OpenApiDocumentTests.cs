using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Functions.OpenApi;

namespace Coder.EndToEnd.Tests.OpenApi;

/// <summary>
/// The OpenAPI document cannot drift from the functions: every HTTP trigger the Functions SDK lists (functions.metadata,
/// what Azure runs) is in it with its method, and a third-party validator (the pinned npm @apidevtools/swagger-parser)
/// accepts it.
/// </summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task EveryHttpFunctionInMetadata_IsInTheDocument_WithItsMethod()
    {
        var document = JsonNode.Parse(await OpenApiDocumentGenerator.JsonAsync())!;
        var paths = document["paths"]!.AsObject();
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(BuildOutputs.FunctionsMetadata))!.AsArray();

        var expected = new List<string>();
        foreach (var function in metadata)
        {
            var trigger = function!["bindings"]!.AsArray().FirstOrDefault(b => (string?)b!["type"] == "httpTrigger");
            if (trigger is null) continue;
            string route = "/api/" + ((string?)trigger["route"] ?? (string)function["name"]!);
            foreach (var method in trigger["methods"]!.AsArray())
                expected.Add($"{((string)method!).ToLowerInvariant()} {route} {(string)function["name"]!}");
        }

        var documented = paths.SelectMany(p => p.Value!.AsObject().Where(o => o.Key is "get" or "put" or "post" or "delete" or "options" or "head" or "patch" or "trace")
            .Select(o => $"{o.Key} {p.Key} {(string)o.Value!["operationId"]!}")).ToList();
        Assert.True(expected.Count > 30, $"only {expected.Count} HTTP functions in functions.metadata");
        Assert.Equal(expected.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryOperation_DocumentsItsAuthentication_AndProblemResponses()
    {
        var document = JsonNode.Parse(await OpenApiDocumentGenerator.JsonAsync())!;
        string Security(string path, string method) =>
            string.Join(',', document["paths"]![path]![method]!["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)) ?? []);

        Assert.Equal(OpenApiDocumentGenerator.BearerScheme, Security("/api/workspaces", "post"));
        Assert.Equal(OpenApiDocumentGenerator.AgentScheme, Security("/api/agent/events", "post"));
        Assert.Equal("", Security("/api/health", "get"));
        Assert.Equal("", Security("/api/openapi.json", "get"));
        Assert.Equal("", Security("/api/agent/binary/{platform}", "get"));
        Assert.Equal(OpenApiDocumentGenerator.WebhookKeyScheme, Security("/api/eventgrid", "post"));

        var create = document["paths"]!["/api/workspaces"]!["post"]!;
        Assert.Equal("#/components/schemas/CreateWorkspaceRequest", (string?)create["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal("#/components/schemas/WorkspaceAccepted", (string?)create["responses"]!["202"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal("#/components/schemas/ApiProblem", (string?)create["responses"]!["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);

        // JSON names and enums as the API writes them: camelCase, enum strings, nullable fields optional.
        var workspace = document["components"]!["schemas"]!["WorkspaceResponse"]!;
        Assert.Contains("templateVersion", workspace["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("createdAt", workspace["required"]!.AsArray().Select(r => (string)r!));
        Assert.DoesNotContain("failureReason", workspace["required"]!.AsArray().Select(r => (string)r!));
        Assert.Contains("running", document["components"]!["schemas"]!["WorkspaceStatus"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Contains("errors", document["components"]!["schemas"]!["ApiProblem"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task TheDocument_PassesSwaggerParserValidation()
    {
        var (exitCode, output) = await SwaggerParser.ValidateAsync(await OpenApiDocumentGenerator.JsonAsync());
        Assert.True(exitCode == 0, $"swagger-parser rejected the document: {output}");
        Assert.StartsWith("valid: OpenAPI 3.1", output, StringComparison.Ordinal);

        // The validator does refuse: a reference to a schema that does not exist.
        var broken = JsonNode.Parse(await OpenApiDocumentGenerator.JsonAsync())!;
        broken["paths"]!["/api/health"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Missing" };
        var (brokenExit, brokenOutput) = await SwaggerParser.ValidateAsync(System.Text.Encoding.UTF8.GetBytes(broken.ToJsonString()));
        Assert.True(brokenExit != 0, $"swagger-parser accepted a dangling $ref: {brokenOutput}");
    }
}
