using System.Security.Cryptography;
using System.Text;
using Coder.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.OpenApi;

/// <summary>
/// <c>GET /api/openapi.json</c> (the document) and <c>GET /api/docs</c> (an interactive reference: Scalar's script from
/// the Scalar.AspNetCore package, served by <c>GET /api/docs/scalar.js</c>, so it works offline). Anonymous. Functions,
/// so the Azure Functions app and the local host serve the same bytes.
/// </summary>
public sealed class OpenApiFunctions(ApiPipeline api)
{
    const string ScalarScriptResource = "ScalarStaticAssets.scalar.js";

    static readonly Lazy<(byte[] Bytes, string ETag)> ScalarScript = new(() =>
    {
        using var stream = typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetManifestResourceStream(ScalarScriptResource)
            ?? throw new InvalidOperationException($"Scalar.AspNetCore no longer embeds {ScalarScriptResource}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return (copy.ToArray(), ETagOf(copy.ToArray()));
    });

    /// <summary>No fonts or telemetry from Scalar's CDN: the page needs nothing but this host.</summary>
    static readonly byte[] ReferencePage = Encoding.UTF8.GetBytes("""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Coder Cloud API</title>
        </head>
        <body>
          <div id="app"></div>
          <script src="/api/docs/scalar.js"></script>
          <script>
            Scalar.createApiReference('#app', { url: '/api/openapi.json', withDefaultFonts: false, telemetry: false });
          </script>
        </body>
        </html>
        """);

    [Function(nameof(GetOpenApiDocument))]
    [ApiResponse(200, ContentType = "application/json")]
    [ApiResponse(304)]
    public Task<IActionResult> GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req) =>
        api.RunAnonymousAsync(req, async _ =>
        {
            byte[] json = await OpenApiDocumentGenerator.JsonAsync();
            return (IActionResult)new ApiContentResult(json, "application/json", ETagOf(json));
        });

    [Function(nameof(GetApiReference))]
    [ApiResponse(200, ContentType = "text/html")]
    [ApiResponse(304)]
    public Task<IActionResult> GetApiReference([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequest req) =>
        api.RunAnonymousAsync(req, _ => Task.FromResult<IActionResult>(new ApiContentResult(ReferencePage, "text/html; charset=utf-8", ETagOf(ReferencePage))));

    [Function(nameof(GetApiReferenceScript))]
    [ApiResponse(200, ContentType = "text/javascript")]
    [ApiResponse(304)]
    public Task<IActionResult> GetApiReferenceScript([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/scalar.js")] HttpRequest req) =>
        api.RunAnonymousAsync(req, _ => Task.FromResult<IActionResult>(new ApiContentResult(ScalarScript.Value.Bytes, "text/javascript; charset=utf-8", ScalarScript.Value.ETag, gzipped: true)));

    static string ETagOf(byte[] bytes) => $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"";
}
