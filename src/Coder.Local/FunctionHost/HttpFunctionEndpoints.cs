using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace Coder.Local.FunctionHost;

/// <summary>Maps every HTTP-triggered function to Kestrel at <c>/api/{route}</c> with its methods, as the Functions host does.</summary>
public static class HttpFunctionEndpoints
{
    public const string RoutePrefix = "api";

    public static IReadOnlyList<RouteEndpointBuilder> Map(IEndpointRouteBuilder endpoints, IEnumerable<FunctionDescriptor> functions)
    {
        var mapped = new List<RouteEndpointBuilder>();
        foreach (var function in functions.Where(f => f.Kind == FunctionKind.Http))
        {
            endpoints.MapMethods($"/{RoutePrefix}/{function.Trigger}", function.HttpMethods, async (HttpContext http) =>
            {
                var result = await FunctionInvoker.InvokeAsync(function, http.RequestServices, null, http, http.RequestAborted);
                switch (result)
                {
                    case IActionResult action:
                        await action.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
                        break;
                    case IResult minimal:
                        await minimal.ExecuteAsync(http);
                        break;
                }
            }).WithName(function.Name).WithMetadata(function);
        }

        return mapped;
    }
}
