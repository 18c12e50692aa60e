namespace Coder.Contracts.Auth;

/// <summary>Who is signed in, and how.</summary>
/// <param name="Via">"session" (the dashboard's cookie), "bearer" (an API token) or "easyauth" (App Service Authentication).</param>
/// <param name="CsrfToken">For a session: the value every mutating call must send as <c>X-Coder-Csrf</c>. Null otherwise.</param>
/// <param name="ExpiresAt">When a session ends; null for the other ways.</param>
public sealed record SessionInfo(string User, IReadOnlyList<string> Roles, string? DisplayName, string Via, string? CsrfToken, DateTimeOffset? ExpiresAt);
