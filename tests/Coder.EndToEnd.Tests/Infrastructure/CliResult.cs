using System.Text.Json.Nodes;

namespace Coder.EndToEnd.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("The CLI printed no JSON.");

    /// <summary>
    /// The JSON printed with <c>--output json</c> follows the API's schema for the response it shows (the OpenAPI
    /// document's <paramref name="method"/> <paramref name="template"/> at <paramref name="status"/>); returns it.
    /// </summary>
    public JsonNode JsonOf(string method, string template, int status = 200)
    {
        var json = Json;
        OpenApiValidatingHandler.AssertMatches(json, method, template, status);
        return json;
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
