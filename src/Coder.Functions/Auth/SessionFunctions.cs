using System.Globalization;
using Coder.Contracts.Auth;
using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Auth;

/// <summary>
/// The dashboard's sign-in: an API token exchanged for an HttpOnly, SameSite=Strict session cookie (tokens never reach
/// the page's storage), who is signed in (with the session's CSRF value), and signing out.
/// </summary>
public sealed class SessionFunctions(ApiPipeline api, WebSessionService sessions)
{
    [ApiRequest(typeof(CreateSessionRequest))]
    [ApiResponse(201, typeof(SessionInfo))]
    [Function(nameof(CreateSession))]
    public Task<IActionResult> CreateSession([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "session")] HttpRequest req) =>
        api.RunAnonymousAsync(req, async ct =>
        {
            var body = await ApiPipeline.ReadBodyAsync<CreateSessionRequest>(req, ct);
            if (body.Token is not { Length: > 0 }) throw CoderProblemException.Validation("token", "Required: an API token.");
            var session = await sessions.CreateAsync(body.Token, ct) ?? throw CoderProblemException.Unauthorized();
            return SignedIn(req, session);
        });

    [ApiResponse(200, typeof(SessionInfo))]
    [Function(nameof(GetSession))]
    public Task<IActionResult> GetSession([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "session")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            string? sessionId = ApiPipeline.BearerToken(req) is null ? ApiPipeline.SessionCookie(req) : null;
            var session = sessionId is null ? null : await sessions.AuthenticateAsync(sessionId, ct);
            string via = session is not null ? "session" : ApiPipeline.BearerToken(req) is not null ? "bearer" : "easyauth";
            return ApiResult.Ok(Info(caller, via, session is null ? null : WebSessionService.CsrfTokenOf(sessionId!), session?.ExpiresAt));
        });

    [ApiResponse(204)]
    [Function(nameof(DeleteSession))]
    public Task<IActionResult> DeleteSession([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "session")] HttpRequest req) =>
        api.RunAsync(req, async (_, ct) =>
        {
            await sessions.EndAsync(ApiPipeline.SessionCookie(req), ct);
            return ApiResult.NoContent().WithHeader("Set-Cookie", Cookie(req, "", TimeSpan.Zero));
        });

    /// <summary>The answer that sets a new session's cookie (also what the local host's one-time sign-in link uses).</summary>
    public static ApiResult SignedIn(HttpRequest request, WebSession session) =>
        ApiResult.Created(Info(session.Caller, "session", session.CsrfToken, session.ExpiresAt))
            .WithHeader("Set-Cookie", Cookie(request, session.Id, session.ExpiresAt - DateTimeOffset.UtcNow));

    /// <summary>The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure over HTTPS.</summary>
    public static string Cookie(HttpRequest request, string value, TimeSpan lifetime) =>
        $"{WebSession.CookieName}={value}; Path=/; Max-Age={Math.Max(0, (int)lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture)}; HttpOnly; SameSite=Strict{(request.IsHttps ? "; Secure" : "")}";

    static SessionInfo Info(CallerIdentity caller, string via, string? csrf, DateTimeOffset? expiresAt) =>
        new(caller.User, caller.Roles.Order(StringComparer.Ordinal).ToList(), caller.DisplayName, via, csrf, expiresAt);
}
