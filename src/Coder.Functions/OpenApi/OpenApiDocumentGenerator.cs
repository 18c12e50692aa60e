using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Coder.Contracts.Errors;
using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.OpenApi;

namespace Coder.Functions.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of this API, generated from the <c>[Function]</c> HTTP triggers (method, route), the route
/// policy (who may call), the functions' <see cref="ApiRequestAttribute"/>, <see cref="ApiResponseAttribute"/> and
/// <see cref="ApiQueryAttribute"/>, and the contract types as the API serializes them. Both hosts serve this document.
/// </summary>
public static partial class OpenApiDocumentGenerator
{
    public const string BearerScheme = "bearerToken";
    public const string AgentScheme = "agentToken";
    public const string WebhookKeyScheme = "eventGridKey";
    public const string ProblemMediaType = "application/problem+json";

    // Generated once per process; nobody's request may cancel the copy every later one shares.
    static readonly Lazy<Task<byte[]>> Json = new(() => WriteAsync(typeof(OpenApiDocumentGenerator).Assembly, CancellationToken.None));

    /// <summary>This assembly's document as JSON, generated once.</summary>
    public static Task<byte[]> JsonAsync() => Json.Value;

    public static async Task<byte[]> WriteAsync(Assembly functions, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        await Create(functions).SerializeAsJsonAsync(stream, OpenApiSpecVersion.OpenApi3_1, cancellationToken);
        return stream.ToArray();
    }

    /// <summary>Every HTTP function of the assembly: (name, method, route relative to /api, the method that implements it).</summary>
    public static IReadOnlyList<(string Name, string Method, string Route, MethodInfo Function)> HttpFunctions(Assembly functions) =>
        [.. from type in functions.GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            let function = method.GetCustomAttribute<FunctionAttribute>()
            where function is not null
            from parameter in method.GetParameters()
            let trigger = parameter.GetCustomAttribute<HttpTriggerAttribute>()
            where trigger is not null
            from verb in trigger.Methods ?? ["get", "post"]
            orderby trigger.Route ?? function.Name, verb
            select (function.Name, verb.ToUpperInvariant(), trigger.Route ?? function.Name, method)];

    public static OpenApiDocument Create(Assembly functions)
    {
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "Coder Cloud API",
                Version = "1",
                Description = "Remote developer workspaces: templates, workspaces, operations, snapshots, upgrades and rollouts, connect, and the agent-facing routes. Errors are RFC 7807 problem+json; `errors` names each field at fault.",
            },
            Paths = [],
            Components = new OpenApiComponents
            {
                SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [BearerScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API token (POST /api/tokens; the local host's admin token), or on Azure a signed-in App Service principal." },
                    [AgentScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "A workspace agent's token, from its manifest; valid for the workspace's current build only." },
                    [WebhookKeyScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "key", Description = "The Event Grid subscription's key (or an allowed Entra principal)." },
                },
            },
        };
        var schemas = new ContractSchemas(ServerJson.Options, document);
        var problem = schemas.For(typeof(ApiProblem));

        foreach (var group in HttpFunctions(functions).GroupBy(f => f.Route, StringComparer.Ordinal))
        {
            var item = new OpenApiPathItem { Operations = [] };
            foreach (var (name, method, route, function) in group)
                item.Operations[new HttpMethod(method)] = Operation(document, schemas, problem, name, method, route, function);
            document.Paths["/api/" + group.Key] = item;
        }

        document.Components.Schemas = schemas.Components;
        return document;
    }

    static OpenApiOperation Operation(OpenApiDocument document, ContractSchemas schemas, IOpenApiSchema problem, string name, string method, string route, MethodInfo function)
    {
        var segments = route.Split('/');
        var access = RoutePolicy.AccessFor(method, segments);
        string? scheme = access switch
        {
            RouteAccess.Agent => AgentScheme,
            RouteAccess.Anonymous => RoutePolicy.ChecksOwnCredential(segments) ? WebhookKeyScheme : null,
            RouteAccess.AnonymousUnmetered => null,
            _ => BearerScheme,
        };
        var request = function.GetCustomAttribute<ApiRequestAttribute>();
        var operation = new OpenApiOperation
        {
            OperationId = name,
            Summary = Words(name),
            Description = access switch
            {
                RouteAccess.Admin => "Needs the admin role.",
                RouteAccess.TemplateAdmin => "Needs the template-admin or admin role.",
                RouteAccess.Authenticated => "Any API token; members see only their own resources (others' are 404).",
                RouteAccess.Agent => "The workspace agent's token.",
                _ => scheme is null ? "Anonymous." : "The webhook key.",
            },
            Tags = new HashSet<OpenApiTagReference> { new(segments[0], document) },
            Parameters = [],
            Responses = [],
            Security = scheme is null ? [] : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] }],
        };
        foreach (Match m in RouteParameter().Matches(route))
            operation.Parameters.Add(new OpenApiParameter { Name = m.Groups[1].Value, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
        foreach (var query in function.GetCustomAttributes<ApiQueryAttribute>())
            operation.Parameters.Add(new OpenApiParameter { Name = query.Name, In = ParameterLocation.Query, Description = query.Description, Schema = new OpenApiSchema { Type = query.IsInteger ? JsonSchemaType.Integer : JsonSchemaType.String } });
        if (request is not null)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = request.Required,
                Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = schemas.For(request.Type) } },
            };
        }

        // Several types for one status (the webhook's handshake answer or its receipt): one of them.
        foreach (var responses in function.GetCustomAttributes<ApiResponseAttribute>().GroupBy(r => r.Status))
        {
            var response = responses.First();
            string? mediaType = response.ContentType ?? (response.Type is null ? null : "application/json");
            var bodies = responses.Where(r => r.Type is not null).Select(r => schemas.For(r.Type!)).ToList();
            IOpenApiSchema body = bodies.Count switch { 0 => new OpenApiSchema(), 1 => bodies[0], _ => new OpenApiSchema { OneOf = bodies } };
            operation.Responses[Status(response.Status)] = new OpenApiResponse
            {
                Description = ReasonPhrases.GetReasonPhrase(response.Status),
                Content = mediaType is null ? null : new Dictionary<string, IOpenApiMediaType> { [mediaType] = new OpenApiMediaType { Schema = body } },
            };
        }

        if (operation.Responses.Count == 0) throw new InvalidOperationException($"Function {name} declares no [ApiResponse].");
        foreach (int status in Problems(method, route, access, scheme, request is not null))
        {
            operation.Responses[Status(status)] = new OpenApiResponse
            {
                Description = ReasonPhrases.GetReasonPhrase(status) + " (RFC 7807 problem details)",
                Content = new Dictionary<string, IOpenApiMediaType> { [ProblemMediaType] = new OpenApiMediaType { Schema = problem } },
            };
        }

        return operation;
    }

    /// <summary>
    /// The refusals the pipeline and the services answer with: bad input and unsafe paths (400), missing or wrong
    /// credentials (401), roles (403), unknown or others' resources (404), a busy workspace or a conflicting state (409),
    /// a stale If-Match (412), an oversized body (413), rate limits (429), failures (500) and a busy dependency (503).
    /// </summary>
    static IEnumerable<int> Problems(string method, string route, RouteAccess access, string? scheme, bool hasBody)
    {
        bool mutating = RoutePolicy.IsMutating(method);
        yield return 400;
        if (scheme is not null) yield return 401;
        if (scheme == BearerScheme) yield return 403;
        if (route.Contains('{', StringComparison.Ordinal) || scheme is not null) yield return 404;
        if (mutating && access != RouteAccess.Agent) yield return 409;
        if (mutating && route.Contains('{', StringComparison.Ordinal)) yield return 412;
        if (hasBody) yield return 413;
        yield return 429;
        yield return 500;
        yield return 503;
    }

    static string Status(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"GetWorkspaceEvents" → "Get workspace events".</summary>
    static string Words(string name)
    {
        var text = new StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append(' ').Append(char.ToLowerInvariant(c));
            else text.Append(c);
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^}]*)?\}")]
    private static partial Regex RouteParameter();
}
