using Coder.Functions.Auth;
using Coder.Orchestrations.Connect;
using Coder.Orchestrations.Security;
using Microsoft.Extensions.FileProviders;

namespace Coder.Local.Hosting;

/// <summary>
/// The dashboard on the local host: its built files (wwwroot next to the host, put there by the build from
/// src/Coder.Dashboard), index.html for every other non-API GET (the single-page app routes itself), and the one-time
/// admin sign-in link. The page shows nothing but the sign-in form until GET /api/session says who is signed in.
/// </summary>
public static class DashboardHosting
{
    /// <summary>Where the build puts the dashboard: wwwroot next to the host.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>Static files, before routing (a matched endpoint would make the static-file middleware step aside).</summary>
    public static WebApplication UseCoderDashboardFiles(this WebApplication app)
    {
        if (!Directory.Exists(Folder)) return app;
        var files = new PhysicalFileProvider(Folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => Secure(context.Context.Response, context.File.Name),
        });
        return app;
    }

    /// <summary><c>GET /login?code=</c>: the printed link's code, once, for a session of the bootstrap admin; then to <c>/</c>.</summary>
    public static WebApplication MapAdminSignIn(this WebApplication app, AdminSignInLink link, string? adminToken)
    {
        app.MapGet("/login", async (HttpContext http, WebSessionService sessions) =>
        {
            if (adminToken is null || !link.TryRedeem(http.Request.Query["code"]))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync("<!doctype html><title>Sign-in link used</title><p>This sign-in link was used already or is not this host's. Restart the host for a new one, or <a href=\"/\">sign in with an API token</a>.</p>", http.RequestAborted);
                return;
            }

            var session = await sessions.CreateAsync(adminToken, http.RequestAborted) ?? throw new InvalidOperationException("The bootstrap admin token does not authenticate.");
            http.Response.Headers.Append("Set-Cookie", SessionFunctions.Cookie(http.Request, session.Id, session.ExpiresAt - DateTimeOffset.UtcNow));
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Redirect("/");
        });
        return app;
    }

    /// <summary>index.html for a page route (not under /api, a GET that accepts HTML); null when the dashboard is not built.</summary>
    public static async Task<bool> TryServeIndexAsync(HttpContext http)
    {
        var index = new FileInfo(Path.Combine(Folder, "index.html"));
        if (!HttpMethods.IsGet(http.Request.Method) || http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || !index.Exists) return false;
        http.Response.ContentType = "text/html; charset=utf-8";
        Secure(http.Response, index.Name);
        await http.Response.SendFileAsync(index.FullName, http.RequestAborted);
        return true;
    }

    /// <summary>The page loads only its own scripts and is never framed; index.html is never cached (asset names carry hashes).</summary>
    static void Secure(HttpResponse response, string fileName)
    {
        if (!fileName.EndsWith(".html", StringComparison.OrdinalIgnoreCase)) return;
        string? relayUrl = response.HttpContext.RequestServices.GetRequiredService<IConfiguration>()[RelayConnectOptions.Section + ":Url"];
        response.Headers.CacheControl = "no-cache";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(relayUrl);
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>
    /// The page's policy. It talks to its own origin (the API) and, for the terminal, to the relay the connect answers
    /// name: that one WebSocket origin (ws:// locally, wss:// on Azure), no other host and no scheme-wide source.
    /// </summary>
    public static string ContentSecurityPolicy(string? relayUrl)
    {
        string connect = "'self'";
        if (Uri.TryCreate(relayUrl, UriKind.Absolute, out var relay))
        {
            // As the page builds the sender's address (HybridConnectionProtocol.Address): https and wss are wss, else ws.
            string scheme = relay.Scheme is "https" or "wss" ? "wss" : "ws";
            connect += $" {scheme}://{(relay.IsDefaultPort ? relay.Host : $"{relay.Host}:{relay.Port}")}";
        }

        return $"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src {connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    }
}
