using System.Diagnostics;
using System.Text.Json.Nodes;
using Coder.Functions.OpenApi;

namespace Coder.Dashboard.Tests;

/// <summary>
/// The dashboard's API client is generated from the document the API serves, so it cannot call a route or send a field
/// the API does not have: the committed <c>src/Coder.Dashboard/openapi.json</c> is that document, and the committed
/// types are what the pinned openapi-typescript makes of it. To refresh both after an API change:
/// <c>curl -s http://127.0.0.1:7071/api/openapi.json &gt; src/Coder.Dashboard/openapi.json &amp;&amp; npm run dashboard:api</c>.
/// </summary>
public sealed class ApiClientTests
{
    static string DashboardFolder => Path.Combine(BuildOutputs.RepoRoot, "src", "Coder.Dashboard");

    [Fact]
    public async Task TheCommittedOpenApiDocument_IsTheOneTheApiServes()
    {
        var served = JsonNode.Parse(await OpenApiDocumentGenerator.JsonAsync());
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(DashboardFolder, "openapi.json")));
        Assert.True(JsonNode.DeepEquals(served, committed),
            "src/Coder.Dashboard/openapi.json is not the API's document; refresh it and the generated types (see this test's summary).");
    }

    [Fact]
    public async Task TheCommittedTypes_AreWhatOpenApiTypescriptGeneratesFromIt()
    {
        string output = Path.Combine(Path.GetTempPath(), $"coder-schema-{Guid.NewGuid():N}.d.ts");
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(BuildOutputs.RepoRoot, "node_modules", "openapi-typescript", "bin", "cli.js"),
                Path.Combine(DashboardFolder, "openapi.json"), "-o", output])
            { WorkingDirectory = BuildOutputs.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var outputText = process.StandardOutput.ReadToEndAsync();
            string errors = await process.StandardError.ReadToEndAsync();
            await outputText;
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, errors);
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(DashboardFolder, "src", "api", "schema.d.ts")), await File.ReadAllTextAsync(output));
        }
        finally
        {
            File.Delete(output);
        }
    }
}
