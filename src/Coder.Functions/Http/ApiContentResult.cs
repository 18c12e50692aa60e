using System.IO.Compression;
using Microsoft.AspNetCore.Mvc;

namespace Coder.Functions.Http;

/// <summary>
/// Fixed bytes with their type (the OpenAPI document, the reference page and its script), cacheable by ETag. Gzipped
/// bytes go out as they are to clients that accept gzip, and inflated to the rest. No MVC executor needed, so both hosts
/// write the same response.
/// </summary>
public sealed class ApiContentResult(byte[] body, string contentType, string etag, bool gzipped = false) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var request = context.HttpContext.Request;
        var response = context.HttpContext.Response;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = "public, no-cache";
        if (request.Headers.IfNoneMatch.Contains(etag))
        {
            response.StatusCode = 304;
            return;
        }

        response.StatusCode = 200;
        response.ContentType = contentType;
        var ct = context.HttpContext.RequestAborted;
        if (!gzipped)
        {
            await response.Body.WriteAsync(body, ct);
            return;
        }

        if (request.Headers.AcceptEncoding.Any(v => v?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true))
        {
            response.Headers.ContentEncoding = "gzip";
            response.Headers.Vary = "Accept-Encoding";
            await response.Body.WriteAsync(body, ct);
            return;
        }

        await using var inflated = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        await inflated.CopyToAsync(response.Body, ct);
    }
}
