using System.Globalization;
using System.Text.Json;
using Coder.Orchestrations.Audit;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Functions.Http;

/// <summary>
/// What every HTTP function shares, in this order: the request id; a per-address limit on anonymous requests; path
/// hygiene (every segment a safe name); authentication (bearer token, or the App Service principal only when trusted);
/// route-level authorization (<see cref="RoutePolicy"/>); a per-token rate limit on mutating routes (429 with
/// Retry-After); strict bounded body parsing; problem+json for every refusal; an audit row for every mutating call; and
/// for a failed authentication, the same per-address limit and one audit row per address and minute. Functions stay one
/// line long, and both hosts behave the same.
/// </summary>
public sealed partial class ApiPipeline(
    ApiTokenService tokens,
    WebSessionService sessions,
    MutationRateLimiter rateLimiter,
    AddressRateLimiter addressLimiter,
    SecurityMetrics metrics,
    AuditLog audit,
    IOptions<SecurityOptions> options,
    ILogger<ApiPipeline> logger)
{
    public const int MaxBodyBytes = 256 * 1024;
    const string RequestIdHeader = "x-request-id";

    /// <summary>Runs a handler for an authenticated, authorized caller.</summary>
    public Task<IActionResult> RunAsync(HttpRequest request, Func<CallerIdentity, CancellationToken, Task<IActionResult>> handler) =>
        RunCoreAsync(request, authenticate: true, (caller, ct) => handler(caller!, ct));

    /// <summary>Runs a handler that does its own authentication (agent routes) or none (health).</summary>
    public Task<IActionResult> RunAnonymousAsync(HttpRequest request, Func<CancellationToken, Task<IActionResult>> handler) =>
        RunCoreAsync(request, authenticate: false, (_, ct) => handler(ct));

    /// <summary>Whether the request carries a body at all (for routes whose body is optional).</summary>
    public static bool HasBody(HttpRequest request) => request.ContentLength is > 0 || (request.ContentLength is null && !string.IsNullOrEmpty(request.ContentType));

    /// <summary>Reads a JSON body: at most 256 KiB (413 past that), unknown fields rejected, depth bounded, errors named by field.</summary>
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
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or OverflowException or FormatException)
        {
            // The converters' other refusals (a number out of range for its type, an unsupported shape) are still bad input.
            throw CoderProblemException.Validation("body", "A value of the wrong type or out of range.");
        }
    }

    public static string? BearerToken(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    public static string? SessionCookie(HttpRequest request) =>
        request.Cookies.TryGetValue(WebSession.CookieName, out var value) && value is { Length: > 0 } ? value : null;

    async Task<IActionResult> RunCoreAsync(HttpRequest request, bool authenticate, Func<CallerIdentity?, CancellationToken, Task<IActionResult>> handler)
    {
        string requestId = RequestId(request);
        request.HttpContext.Response.Headers[RequestIdHeader] = requestId;

        var ct = request.HttpContext.RequestAborted;
        string method = request.Method;
        bool mutating = RoutePolicy.IsMutating(method);
        var segments = RoutePolicy.Segments(request.Path.Value ?? "");

        // What an address is limited on: requests to open routes (every one counts, whatever headers it carries) and
        // failed authentications (below). A request that authenticates is never held up by it.
        bool metered = segments is null || !RoutePolicy.ExemptFromAnonymousLimit(method, segments);
        var address = ClientAddress.Of(request, options.Value.TrustForwardedFor);
        bool open = !authenticate && !RoutePolicy.ChecksOwnCredential(segments);
        if (metered && open && addressLimiter.TryAcquire(address) is { Allowed: false } held)
            return TooMany(held, "Anonymous and failed-authentication requests from this address are rate limited", requestId);

        CallerIdentity? caller = null;
        IActionResult result;
        try
        {
            if (segments is null) throw CoderProblemException.Validation("path", "Path segments are names of letters, digits, '.', '_' and '-'.");
            if (authenticate)
            {
                caller = await AuthenticateAsync(request, mutating, ct) ?? throw CoderProblemException.Unauthorized();
                var access = RoutePolicy.AccessFor(method, segments);
                if (!RoutePolicy.Allows(access, caller)) throw CoderProblemException.Forbidden(access == RouteAccess.Admin ? "This needs the admin role." : "This needs the template-admin or admin role.");
                if (mutating && rateLimiter.TryAcquire(caller.RateLimitKey) is { Allowed: false } decision)
                {
                    result = TooMany(decision, "This token's mutating requests are rate limited", requestId);
                    await AuditAsync(method, segments, caller, result, requestId);
                    return result;
                }
            }

            result = await handler(caller, ct);
        }
        catch (CoderProblemException e)
        {
            if (e.Status >= 500) LogFailed(logger, requestId, e);
            result = ApiProblems.From(e, requestId);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 400)
        {
            // Storage refused a key or filter built from the request (a hostile continuation token, say): bad input,
            // not a server failure. Storage's own message stays out of the answer.
            LogStorageRefused(logger, requestId, e.ErrorCode);
            result = ApiProblems.Create(400, "One or more fields are invalid.", "A parameter of the request is not valid.", requestId);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            result = ApiProblems.Create(499, "Client closed request.", null, requestId);
        }
        catch (Exception e)
        {
            LogFailed(logger, requestId, e);
            result = ApiProblems.Create(500, "Internal error.", "The request failed; quote the request id when reporting it.", requestId);
        }

        if ((result as ApiResult)?.Status == StatusCodes.Status401Unauthorized && metered)
        {
            await AuditFailedAuthenticationAsync(address, requestId);
            if (!open && addressLimiter.TryAcquire(address) is { Allowed: false } limited)
                result = TooMany(limited, "Anonymous and failed-authentication requests from this address are rate limited", requestId);
            return result;
        }

        if (mutating) await AuditAsync(method, segments, caller, result, requestId);
        return result;
    }

    IActionResult TooMany(RateLimitDecision decision, string what, string requestId)
    {
        metrics.RateLimited();
        int seconds = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        return ApiProblems.Create(429, "Too many requests.", $"{what}; retry in {seconds} s.", requestId)
            .WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Failed authentications are counted, not listed: one row per address and minute, so a flood cannot bury the rest.</summary>
    async Task AuditFailedAuthenticationAsync(System.Net.IPAddress? address, string requestId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await audit.RecordFailedAuthenticationAsync(AddressRateLimiter.KeyOf(address), requestId, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            LogAuditTimedOut(logger, requestId);
        }
    }

    /// <summary>
    /// A bearer token decides when one is sent; then the dashboard's session cookie (a mutating call must carry the
    /// session's CSRF value in <c>X-Coder-Csrf</c>, or it is a 403: a cookie is sent by any page that makes the browser
    /// call); otherwise the App Service principal, if and only if it is trusted.
    /// </summary>
    async Task<CallerIdentity?> AuthenticateAsync(HttpRequest request, bool mutating, CancellationToken cancellationToken)
    {
        if (BearerToken(request) is { } bearer) return await tokens.AuthenticateAsync(bearer, cancellationToken);
        if (SessionCookie(request) is { } session && await sessions.AuthenticateAsync(session, cancellationToken) is { } signedIn)
        {
            if (mutating && !WebSessionService.CsrfMatches(session, request.Headers[WebSession.CsrfHeader]))
                throw CoderProblemException.Forbidden($"A change made with the dashboard's session needs the {WebSession.CsrfHeader} header from GET /api/session.");
            return signedIn.Caller;
        }

        return options.Value.TrustEasyAuth ? EasyAuthPrincipal.Parse(request.Headers[EasyAuthPrincipal.HeaderName], options.Value) : null;
    }

    /// <summary>
    /// Every mutating call gets a row. Agent traffic (heartbeats, metrics) is telemetry, not an action, so only its
    /// refusals are audited (<see cref="RoutePolicy.AuditsAgentAnswer"/>).
    /// </summary>
    async Task AuditAsync(string method, string[]? segments, CallerIdentity? caller, IActionResult result, string requestId)
    {
        int status = (result as ApiResult)?.Status ?? StatusCodes.Status200OK;
        segments ??= ["(invalid path)"];
        bool agentRoute = segments.Length > 0 && string.Equals(segments[0], "agent", StringComparison.OrdinalIgnoreCase);
        if (agentRoute && !RoutePolicy.AuditsAgentAnswer(status)) return;
        string target = (result as ApiResult)?.Header("Location") is { } location && RoutePolicy.Segments(location) is { } created
            ? RoutePolicy.TargetOf(created)
            : RoutePolicy.TargetOf(segments);
        string actor = caller?.Actor ?? (agentRoute ? "agent" : "anonymous");

        // The request may be aborted already; the row is still owed, so it gets its own short deadline.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await audit.RecordAsync(new AuditEntry(actor, RoutePolicy.ActionOf(method, segments), target, AuditResults.ForStatus(status), requestId, status, caller?.DisplayName), deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Storage too slow to take the row in time: the answer still goes out (a lost row is logged, not a 500).
            LogAuditTimedOut(logger, requestId);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: storage refused a value built from the request ({ErrorCode})")]
    static partial void LogStorageRefused(ILogger logger, string requestId, string? errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId}: the audit row was not written in time")]
    static partial void LogAuditTimedOut(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed")]
    static partial void LogFailed(ILogger logger, string requestId, Exception exception);
}
