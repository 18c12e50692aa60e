namespace Coder.Orchestrations.Security;

/// <summary>A session just made: the cookie's value (shown once, never stored), its CSRF value and who it is for.</summary>
public sealed record WebSession(string Id, string CsrfToken, CallerIdentity Caller, DateTimeOffset ExpiresAt)
{
    public const string CookieName = "coder_session";
    public const string CsrfHeader = "X-Coder-Csrf";
}
