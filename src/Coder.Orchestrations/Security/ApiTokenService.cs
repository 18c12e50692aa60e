using Azure;
using Azure.Data.Tables;
using Coder.Contracts.Auth;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Security;

/// <summary>
/// Issues, checks and revokes API tokens. Only SHA-256 hashes are stored (PK = hash); a second row per token claims its
/// name and points at the hash, so names are unique and a token can be revoked by name. The plain token is returned
/// once, at creation.
/// </summary>
public sealed class ApiTokenService(CoderTables tables, TimeProvider time, IOptions<SecurityOptions> options)
{
    // Rows as read (revoked and expired ones included, so the checks below still run on a hit); never mutated.
    readonly ExpiringCache<ApiTokenEntity> _verified = new(time, TimeSpan.FromSeconds(options.Value.TokenCacheSeconds));

    public const string TokenPrefix = "cdr_";
    public const string BootstrapName = "bootstrap-admin";

    /// <summary>Longer bearer values are not tokens; refusing them early keeps hostile headers from costing a hash and a lookup.</summary>
    const int MaxTokenLength = 512;

    /// <summary>
    /// Stores the bootstrap admin token's hash, if one is configured, and revokes the previous bootstrap token when the
    /// configured one changed or was removed: rotating or unsetting CODER_ADMIN_TOKEN and restarting retires the old
    /// value. Idempotent.
    /// </summary>
    public async Task EnsureBootstrapAdminAsync(CancellationToken cancellationToken)
    {
        string? hash = options.Value.AdminToken is { Length: > 0 } token ? TokenHasher.Hash(token) : null;
        var now = time.GetUtcNow();
        var claim = await tables.ApiTokens.GetEntityIfExistsAsync<ApiTokenNameEntity>(ApiTokenNameEntity.KeyFor(BootstrapName), "", cancellationToken: cancellationToken);
        if (claim.HasValue && (hash is null || !TokenHasher.FixedTimeEquals(claim.Value!.Hash, hash))) await MarkRevokedAsync(claim.Value!.Hash, now, cancellationToken);
        if (hash is null) return;

        await tables.ApiTokens.UpsertEntityAsync(new ApiTokenEntity
        {
            PartitionKey = hash,
            Name = BootstrapName,
            User = options.Value.AdminUser,
            Roles = Contracts.Auth.Roles.Admin,
            CreatedAt = now,
        }, TableUpdateMode.Replace, cancellationToken);
        await tables.ApiTokens.UpsertEntityAsync(new ApiTokenNameEntity { PartitionKey = ApiTokenNameEntity.KeyFor(BootstrapName), Hash = hash }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The caller a bearer token identifies, or null when it is unknown, revoked or expired (all the same 401).</summary>
    public async Task<CallerIdentity?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        if (bearerToken is not { Length: > 0 and <= MaxTokenLength }) return null;
        return await AuthenticateHashAsync(TokenHasher.Hash(bearerToken), cancellationToken);
    }

    /// <summary>The caller of a token known by its hash (what a dashboard session keeps), or null as for <see cref="AuthenticateAsync"/>.</summary>
    public async Task<CallerIdentity?> AuthenticateHashAsync(string hash, CancellationToken cancellationToken)
    {
        if (!_verified.TryGet(hash, out var entity))
        {
            var response = await tables.ApiTokens.GetEntityIfExistsAsync<ApiTokenEntity>(hash, "", cancellationToken: cancellationToken);
            if (!response.HasValue) return null;
            entity = response.Value!;

            // The lookup was by hash; compare again in constant time so timing says nothing about near misses.
            if (!TokenHasher.FixedTimeEquals(entity.PartitionKey, hash)) return null;
            _verified.Set(hash, entity);
        }

        if (entity.Revoked) return null;
        if (entity.ExpiresAt is { } expires && expires <= time.GetUtcNow()) return null;
        var roles = entity.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(Contracts.Auth.Roles.IsKnown).ToHashSet(StringComparer.Ordinal);
        return new CallerIdentity(entity.User, roles, entity.Name);
    }

    public async Task<TokenCreated> CreateAsync(CreateTokenRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.Name is null || !Names.ScriptName().IsMatch(request.Name)) errors.Add("name", "Required: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        else if (request.Name == BootstrapName) errors.Add("name", "Reserved for the bootstrap admin token.");
        if (request.User is not { Length: > 0 and <= 64 } user || !user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
            errors.Add("user", "Required, 1 to 64 characters of letters, digits, '-', '_', '.' or '@'.");
        if (request.Roles is not { Count: > 0 and <= 3 } || request.Roles.Any(r => r is null || !Contracts.Auth.Roles.IsKnown(r)))
            errors.Add("roles", "One or more of: admin, template-admin, member.");
        if (request.ExpiresInDays is < 1 or > 3650) errors.Add("expiresInDays", "Between 1 and 3650.");
        errors.ThrowIfAny();

        string token = TokenHasher.NewToken(TokenPrefix);
        string hash = TokenHasher.Hash(token);
        var now = time.GetUtcNow();
        var expiresAt = now.AddDays(request.ExpiresInDays ?? options.Value.DefaultTokenDays);
        var roles = request.Roles!.Distinct(StringComparer.Ordinal).ToList();

        // The name claim first: a taken name is a 409 before any token exists.
        var claim = new ApiTokenNameEntity { PartitionKey = ApiTokenNameEntity.KeyFor(request.Name!), Hash = hash };
        try
        {
            await tables.ApiTokens.AddEntityAsync(claim, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            throw CoderProblemException.Conflict($"A token named '{request.Name}' exists; revoke it first or pick another name.");
        }

        try
        {
            await tables.ApiTokens.AddEntityAsync(new ApiTokenEntity
            {
                PartitionKey = hash,
                Name = request.Name!,
                User = request.User!,
                Roles = string.Join(',', roles),
                CreatedAt = now,
                ExpiresAt = expiresAt,
            }, cancellationToken);
        }
        catch (Exception)
        {
            // No token without its claim, no claim without its token.
            await tables.ApiTokens.DeleteEntityAsync(claim.PartitionKey, "", ETag.All, CancellationToken.None);
            throw;
        }

        return new TokenCreated(token, request.Name!, roles, request.User!, expiresAt);
    }

    /// <summary>Revokes a token by name: it stops working at once, and the name is free again.</summary>
    public async Task RevokeAsync(string name, CancellationToken cancellationToken)
    {
        if (!Names.ScriptName().IsMatch(name)) throw CoderProblemException.NotFound($"Token '{name}'");
        if (name == BootstrapName) throw CoderProblemException.Conflict("The bootstrap admin token is rotated by changing CODER_ADMIN_TOKEN and restarting.");
        var claim = await tables.ApiTokens.GetEntityIfExistsAsync<ApiTokenNameEntity>(ApiTokenNameEntity.KeyFor(name), "", cancellationToken: cancellationToken);
        if (!claim.HasValue) throw CoderProblemException.NotFound($"Token '{name}'");
        await MarkRevokedAsync(claim.Value!.Hash, time.GetUtcNow(), cancellationToken);
        try
        {
            await tables.ApiTokens.DeleteEntityAsync(claim.Value.PartitionKey, "", claim.Value.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // A concurrent revoke got there first; the token is revoked either way.
        }
    }

    async Task MarkRevokedAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await OptimisticConcurrency.MutateEntityAsync<ApiTokenEntity>(tables.ApiTokens, hash, "", token =>
            {
                if (token.Revoked) return false;
                token.Revoked = true;
                token.RevokedAt = now;
                return true;
            }, cancellationToken);
        }
        finally
        {
            // After the write as well: a request that read the row just before it would otherwise keep it cached here.
            _verified.Remove(hash);
        }
    }
}
