using System.Security.Cryptography;
using System.Text;
using Azure;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Security;

/// <summary>
/// Dashboard sessions: an API token (a member's, or the bootstrap admin token behind the local host's one-time sign-in
/// link) exchanged for a random session id that travels only in an HttpOnly, SameSite=Strict cookie. Only the id's hash
/// is stored, with an expiry; the caller is the token's, read again on every request, so a revoked token ends its
/// sessions. The CSRF value is derived from the id (one-way), so it needs no storage and says nothing about the id.
/// </summary>
public sealed class WebSessionService(CoderTables tables, ApiTokenService tokens, TimeProvider time, IOptions<SecurityOptions> options)
{
    const int MaxSessionIdLength = 128;

    /// <summary>A session for the holder of <paramref name="token"/>, or null when the token is not valid.</summary>
    public async Task<WebSession?> CreateAsync(string? token, CancellationToken cancellationToken)
    {
        var caller = await tokens.AuthenticateAsync(token, cancellationToken);
        if (caller is null) return null;
        string id = TokenHasher.NewToken("cds_");
        var now = time.GetUtcNow();
        var expiresAt = now.AddHours(options.Value.SessionHours);
        await tables.ApiTokens.AddEntityAsync(new WebSessionEntity
        {
            PartitionKey = WebSessionEntity.KeyFor(TokenHasher.Hash(id)),
            TokenHash = TokenHasher.Hash(token!),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        }, cancellationToken);
        return new WebSession(id, CsrfTokenOf(id), caller, expiresAt);
    }

    /// <summary>The caller a session cookie stands for and when it ends, or null when unknown, expired or its token is revoked.</summary>
    public async Task<(CallerIdentity Caller, DateTimeOffset ExpiresAt)?> AuthenticateAsync(string? sessionId, CancellationToken cancellationToken)
    {
        if (sessionId is not { Length: > 0 and <= MaxSessionIdLength }) return null;
        var row = await tables.ApiTokens.GetEntityIfExistsAsync<WebSessionEntity>(WebSessionEntity.KeyFor(TokenHasher.Hash(sessionId)), "", cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value!.ExpiresAt <= time.GetUtcNow()) return null;
        var caller = await tokens.AuthenticateHashAsync(row.Value.TokenHash, cancellationToken);
        return caller is null ? null : (caller, row.Value.ExpiresAt);
    }

    /// <summary>Ends a session (signing out). Idempotent.</summary>
    public async Task EndAsync(string? sessionId, CancellationToken cancellationToken)
    {
        if (sessionId is not { Length: > 0 and <= MaxSessionIdLength }) return;
        try
        {
            await tables.ApiTokens.DeleteEntityAsync(WebSessionEntity.KeyFor(TokenHasher.Hash(sessionId)), "", ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone.
        }
    }

    /// <summary>The double-submit value for a session: what the page reads from GET /api/session and sends back as a header.</summary>
    public static string CsrfTokenOf(string sessionId) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("csrf:" + sessionId))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>True when <paramref name="header"/> is this session's CSRF value.</summary>
    public static bool CsrfMatches(string sessionId, string? header) =>
        header is { Length: > 0 and <= MaxSessionIdLength } && TokenHasher.FixedTimeEquals(CsrfTokenOf(sessionId), header);
}
