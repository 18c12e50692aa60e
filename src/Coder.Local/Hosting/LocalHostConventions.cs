using Coder.Contracts.Errors;
using Coder.Orchestrations.Common;

namespace Coder.Local.Hosting;

public static class LocalHostConventions
{
    /// <summary>Every response carries x-request-id; the dashboard's files and page routes are served; unknown API paths get a problem+json 404 rather than an empty one.</summary>
    public static WebApplication UseLocalHostConventions(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (!context.Response.Headers.ContainsKey("x-request-id")) context.Response.Headers["x-request-id"] = context.TraceIdentifier;
                return Task.CompletedTask;
            });
            await next(context);
        });
        app.UseCoderDashboardFiles();
        app.UseRouting();
        app.MapFallback(async context =>
        {
            if (await DashboardHosting.TryServeIndexAsync(context)) return;
            context.Response.StatusCode = 404;
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsJsonAsync(new ApiProblem { Title = "Not found.", Status = 404, Detail = "No such route.", RequestId = context.TraceIdentifier, Type = "https://coder.cloud/problems/404" }, ServerJson.Options);
        });
        return app;
    }
}
