using Azure;
using Coder.Contracts.Auth;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Security;

/// <summary>Issues and checks API tokens. Only hashes are stored; the plain token is returned once, at creation.</summary>
public sealed class ApiTokenService(CoderTables tables, TimeProvider time, IOptions<SecurityOptions> options)
{
    public const string TokenPrefix = "cdr_";

    /// <summary>Stores the bootstrap admin token's hash, if one is configured. Idempotent.</summary>
    public async Task EnsureBootstrapAdminAsync(CancellationToken cancellationToken)
    {
        if (options.Value.AdminToken is not { Length: > 0 } token) return;
        var entity = new ApiTokenEntity
        {
            PartitionKey = TokenHasher.Hash(token),
            Name = "bootstrap-admin",
            User = options.Value.AdminUser,
            Roles = Contracts.Auth.Roles.Admin,
            CreatedAt = time.GetUtcNow(),
        };
        await tables.ApiTokens.UpsertEntityAsync(entity, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<CallerIdentity?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        if (bearerToken is not { Length: > 0 }) return null;
        var hash = TokenHasher.Hash(bearerToken);
        var response = await tables.ApiTokens.GetEntityIfExistsAsync<ApiTokenEntity>(hash, "", cancellationToken: cancellationToken);
        if (!response.HasValue) return null;
        var entity = response.Value!;

        // The lookup was by hash; compare again in constant time so timing says nothing about near misses.
        if (!TokenHasher.FixedTimeEquals(entity.PartitionKey, hash)) return null;
        if (entity.Revoked) return null;
        if (entity.ExpiresAt is { } expires && expires <= time.GetUtcNow()) return null;
        var roles = entity.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return new CallerIdentity(entity.User, roles, entity.Name);
    }

    public async Task<TokenCreated> CreateAsync(CreateTokenRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Name is not { Length: > 0 and <= 64 }) errors["name"] = ["Required, 1 to 64 characters."];
        if (request.User is not { Length: > 0 and <= 64 } user || !user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
            errors["user"] = ["Required, 1 to 64 characters of letters, digits, '-', '_', '.' or '@'."];
        if (request.Roles is not { Count: > 0 } || request.Roles.Any(r => !Contracts.Auth.Roles.IsKnown(r)))
            errors["roles"] = ["One or more of: admin, template-admin, member."];
        if (request.ExpiresInDays is < 1 or > 3650) errors["expiresInDays"] = ["Between 1 and 3650."];
        if (errors.Count > 0) throw CoderProblemException.Validation(errors);

        string token = TokenHasher.NewToken(TokenPrefix);
        var now = time.GetUtcNow();
        DateTimeOffset? expiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null;
        var entity = new ApiTokenEntity
        {
            PartitionKey = TokenHasher.Hash(token),
            Name = request.Name!,
            User = request.User!,
            Roles = string.Join(',', request.Roles!.Distinct()),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        try
        {
            await tables.ApiTokens.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsConflict())
        {
            throw new InvalidOperationException("Token hash collision.", e);
        }

        return new TokenCreated(token, entity.Name, request.Roles!.Distinct().ToList(), entity.User, expiresAt);
    }
}
