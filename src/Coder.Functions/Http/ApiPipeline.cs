using System.Text.Json;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Coder.Functions.Http;

/// <summary>
/// What every HTTP function shares: the request id, bearer-token authentication, strict bounded body parsing and the
/// mapping of refusals to problem+json. Functions stay one line long, and both hosts behave the same.
/// </summary>
public sealed partial class ApiPipeline(ApiTokenService tokens, ILogger<ApiPipeline> logger)
{
    public const int MaxBodyBytes = 256 * 1024;
    const string RequestIdHeader = "x-request-id";

    /// <summary>Runs a handler for an authenticated caller.</summary>
    public Task<IActionResult> RunAsync(HttpRequest request, Func<CallerIdentity, CancellationToken, Task<IActionResult>> handler) =>
        RunCoreAsync(request, async ct =>
        {
            var caller = await tokens.AuthenticateAsync(BearerToken(request), ct) ?? throw CoderProblemException.Unauthorized();
            return await handler(caller, ct);
        });

    /// <summary>Runs a handler that does its own authentication (agent routes) or none (health).</summary>
    public Task<IActionResult> RunAnonymousAsync(HttpRequest request, Func<CancellationToken, Task<IActionResult>> handler) => RunCoreAsync(request, handler);

    /// <summary>Reads a JSON body: at most 256 KiB (413 past that), unknown fields rejected, errors named by field.</summary>
    public static async Task<T> ReadBodyAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0) throw CoderProblemException.Validation("body", "A JSON body is required.");
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ServerJson.Strict)
                ?? throw CoderProblemException.Validation("body", "A JSON object is required.");
        }
        catch (JsonException e)
        {
            string field = FieldOf(e.Path);
            string message = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "Unknown field."
                : e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase) ? "Nested too deeply." : "Malformed JSON or a value of the wrong type.";
            throw CoderProblemException.Validation(UnknownFieldName(e) ?? field, message);
        }
    }

    public static string? BearerToken(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    async Task<IActionResult> RunCoreAsync(HttpRequest request, Func<CancellationToken, Task<IActionResult>> handler)
    {
        string requestId = RequestId(request);
        request.HttpContext.Response.Headers[RequestIdHeader] = requestId;
        var ct = request.HttpContext.RequestAborted;
        try
        {
            return await handler(ct);
        }
        catch (CoderProblemException e)
        {
            if (e.Status >= 500) LogFailed(logger, requestId, e);
            return ApiProblems.From(e, requestId);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ApiProblems.Create(499, "Client closed request.", null, requestId);
        }
        catch (Exception e)
        {
            LogFailed(logger, requestId, e);
            return ApiProblems.Create(500, "Internal error.", "The request failed; quote the request id when reporting it.", requestId);
        }
    }

    static string RequestId(HttpRequest request)
    {
        string? given = request.Headers[RequestIdHeader];
        return given is { Length: > 0 and <= 64 } && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? given
            : Guid.NewGuid().ToString("N");
    }

    static CoderProblemException TooLarge() => new(413, "Payload too large.", $"Request bodies are limited to {MaxBodyBytes / 1024} KiB.");

    /// <summary>"$.size.cpu" → "size.cpu"; "$" → "body".</summary>
    static string FieldOf(string? path) => path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    static string? UnknownFieldName(JsonException e)
    {
        // "The JSON property 'foo' could not be mapped to any .NET member contained in type ..."
        int start = e.Message.IndexOf('\'');
        int end = start < 0 ? -1 : e.Message.IndexOf('\'', start + 1);
        if (start < 0 || end < 0 || !e.Message.Contains("could not be mapped", StringComparison.Ordinal)) return null;
        string name = e.Message[(start + 1)..end];
        string parent = FieldOf(e.Path);
        if (parent == "body") return name;
        return parent.EndsWith(name, StringComparison.Ordinal) ? parent : $"{parent}.{name}";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed")]
    static partial void LogFailed(ILogger logger, string requestId, Exception exception);
}
