using Coder.Local.FunctionHost;
using Microsoft.AspNetCore.Routing;

namespace Coder.Local.Hosting;

/// <summary>
/// <c>GET /_local/functions</c>: what this host serves. HTTP functions are read back from the live routing table; durable,
/// queue and timer functions are the ones the host registered with its worker, listeners and schedulers at startup.
/// The drift test compares this with the Functions build's <c>functions.metadata</c>.
/// </summary>
public static class LocalFunctionsEndpoint
{
    public static void MapLocalFunctions(this WebApplication app, IReadOnlyList<FunctionDescriptor> functions)
    {
        app.MapGet("/_local/functions", (EndpointDataSource endpoints) =>
        {
            var http = endpoints.Endpoints.OfType<RouteEndpoint>()
                .Select(e => (Function: e.Metadata.GetMetadata<FunctionDescriptor>(), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods, Route: e.RoutePattern.RawText))
                .Where(e => e.Function is not null)
                .Select(e => new { name = e.Function!.Name, kind = "http", route = (string?)e.Route!.TrimStart('/'), methods = e.Methods });
            var others = functions.Where(f => f.Kind != FunctionKind.Http)
                .Select(f => new { name = f.Name, kind = f.Kind.ToString().ToLowerInvariant(), route = f.Trigger, methods = (IReadOnlyList<string>?)null });
            return Results.Ok(http.Concat(others));
        });
    }
}
