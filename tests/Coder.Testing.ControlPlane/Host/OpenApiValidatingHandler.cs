using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coder.Functions.OpenApi;

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Checks every API response against the OpenAPI document the hosts serve: its status is documented for the route and
/// method, its media type is the documented one, and a JSON body validates against the documented schema (the subset
/// the generator emits: $ref, oneOf, type, properties, required, additionalProperties, items, enum). A mismatch fails the
/// request, and so the test that made it. Paths outside the document (unknown routes, /_local) pass through.
/// </summary>
public sealed partial class OpenApiValidatingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    static readonly Lazy<(JsonNode Document, IReadOnlyList<(string Method, Regex Path, string Template)> Routes)> Spec = new(() =>
    {
        var document = JsonNode.Parse(OpenApiDocumentGenerator.JsonAsync().GetAwaiter().GetResult())!;
        var routes = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Method: o.Key.ToUpperInvariant(), Path: PathPattern(p.Key), Template: p.Key)))
            .ToList();
        return (document, routes);
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        string path = request.RequestUri!.AbsolutePath;
        var (document, routes) = Spec.Value;
        // Literal routes first (docs/scalar.js before a parameter would match), as routing prefers them.
        var route = routes.Where(r => r.Method == request.Method.Method && r.Path.IsMatch(path)).OrderBy(r => r.Template.Count(c => c == '{')).FirstOrDefault();
        if (route.Template is null) return response;

        var operation = document["paths"]![route.Template]![route.Method.ToLowerInvariant()]!;
        string status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string where = $"{request.Method} {path} → {status}";
        var documented = operation["responses"]![status]
            ?? throw new OpenApiMismatchException($"{where}: status not documented for {route.Method} {route.Template} (documented: {string.Join(", ", operation["responses"]!.AsObject().Select(r => r.Key))})");

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        var content = documented["content"]?.AsObject();
        if (content is null || content.Count == 0)
        {
            if (response.Content.Headers.ContentLength is > 0) throw new OpenApiMismatchException($"{where}: documented without a body, sent {mediaType}");
            return response;
        }

        if (mediaType is null || content[mediaType] is not { } media)
            throw new OpenApiMismatchException($"{where}: sent {mediaType ?? "no body"}, documented {string.Join(", ", content.Select(c => c.Key))}");
        if (!mediaType.EndsWith("json", StringComparison.Ordinal) || media["schema"] is not { } schema) return response;

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var errors = new List<string>();
        Validate(document, schema, body, "$", errors);
        return errors.Count == 0 ? response : throw new OpenApiMismatchException($"{where}: body does not match the documented schema: {string.Join("; ", errors.Take(10))}");
    }

    /// <summary>
    /// Checks a JSON body that did not come through this handler (the CLI's <c>--output json</c>, printed by another
    /// process) against the schema documented for <paramref name="method"/> <paramref name="template"/> at <paramref name="status"/>.
    /// </summary>
    public static void AssertMatches(JsonNode? body, string method, string template, int status)
    {
        var (document, _) = Spec.Value;
        string where = $"{method} {template} → {status}";
        var schema = document["paths"]?[template]?[method.ToLowerInvariant()]?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"]?["application/json"]?["schema"]
            ?? throw new OpenApiMismatchException($"{where}: no JSON response documented");
        var errors = new List<string>();
        Validate(document, schema, body, "$", errors);
        if (errors.Count > 0) throw new OpenApiMismatchException($"{where}: the CLI's JSON does not match the documented schema: {string.Join("; ", errors.Take(10))}");
    }

    static void Validate(JsonNode document, JsonNode schema, JsonNode? value, string at, List<string> errors)
    {
        if (schema is JsonValue) return; // true/false schemas are not emitted
        if ((string?)schema["$ref"] is { } reference)
        {
            var target = reference["#/".Length..].Split('/').Aggregate(document, (node, key) => node[key]!);
            Validate(document, target, value, at, errors);
            return;
        }

        if (schema["oneOf"] is JsonArray choices)
        {
            var fits = choices.Select(choice => { var found = new List<string>(); Validate(document, choice!, value, at, found); return found; }).ToList();
            if (fits.Count(f => f.Count == 0) != 1) errors.Add($"{at}: matches {fits.Count(f => f.Count == 0)} of the documented choices, not one ({string.Join(" | ", fits.Select(f => string.Join("; ", f.Take(3))))})");
            return;
        }

        if (schema["type"] is { } type)
        {
            var allowed = type is JsonArray list ? list.Select(t => (string)t!).ToList() : [(string)type!];
            string actual = KindOf(value);
            if (!allowed.Contains(actual) && !(actual == "integer" && allowed.Contains("number")))
            {
                errors.Add($"{at}: {actual}, documented {string.Join("|", allowed)}");
                return;
            }
        }

        if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
            errors.Add($"{at}: {value?.ToJsonString()} is not one of {options.ToJsonString()}");

        if (value is JsonObject obj)
        {
            var properties = schema["properties"]?.AsObject();
            foreach (var required in schema["required"]?.AsArray() ?? [])
                if (!obj.ContainsKey((string)required!)) errors.Add($"{at}: required '{required}' is missing");
            foreach (var (name, child) in obj)
            {
                if (properties?[name] is { } propertySchema) Validate(document, propertySchema, child, $"{at}.{name}", errors);
                else if (schema["additionalProperties"] is JsonObject extra) Validate(document, extra, child, $"{at}.{name}", errors);
                else if (schema["additionalProperties"] is JsonValue closed && !(bool)closed) errors.Add($"{at}: '{name}' is not documented");
            }
        }

        if (value is JsonArray array && schema["items"] is { } items)
        {
            for (int i = 0; i < array.Count; i++) Validate(document, items, array[i], $"{at}[{i}]", errors);
        }
    }

    static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
        _ => value.ToJsonString().Contains('.', StringComparison.Ordinal) || value.ToJsonString().Contains('e', StringComparison.OrdinalIgnoreCase) ? "number" : "integer",
    };

    static Regex PathPattern(string template) =>
        new("^" + RouteParameter().Replace(Regex.Escape(template).Replace(@"\{", "{", StringComparison.Ordinal), "[^/]+") + "/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex RouteParameter();
}
