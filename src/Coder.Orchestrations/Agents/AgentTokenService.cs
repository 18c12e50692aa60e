using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// Per-build agent tokens: issued when a build starts (every provision, start, rebuild, restore or upgrade makes a new
/// build), stored as hashes, valid only for their workspace and only while their build is the workspace's current one,
/// and revoked when the workspace stops or is deleted (<see cref="RevokeWorkspaceAsync"/>).
/// </summary>
public sealed partial class AgentTokenService(CoderTables tables, TimeProvider time, SecurityMetrics metrics, IOptions<SecurityOptions> options, ILogger<AgentTokenService> logger)
{
    public const string TokenPrefix = "cda_";

    /// <summary>Enough tokens for every live build of a busy control plane; past it the cache starts over (a miss is one read).</summary>
    public const int MaxCachedPrincipals = 100_000;

    // A token row changes once at most: when it is revoked. Only hits are kept (a miss must not hide a token issued a
    // moment later), for as long as API tokens are (Coder:Security:TokenCacheSeconds): a revoke on this instance drops
    // the entry at once, other instances see it within that time. Whether the build is still current is checked against
    // the workspace row on every use, so a cached principal of a replaced build still fails.
    // Entries are kept longer than that (RememberTime) for the agent's steady traffic (AgentReuseWindow), which asks for
    // its own freshness; FindAsync takes an entry only while it is younger than CacheTime.
    readonly ExpiringCache<AgentTokenEntity> _principals = new(time, RememberTime, MaxCachedPrincipals);

    /// <summary>The longest any caller may reuse a token row read here.</summary>
    public static readonly TimeSpan RememberTime = TimeSpan.FromMinutes(5);

    /// <summary>How late another instance's revoke can be seen here by <see cref="FindAsync"/>.</summary>
    public TimeSpan CacheTime { get; } = TimeSpan.FromSeconds(options.Value.TokenCacheSeconds);

    /// <summary>A new token for the agents of replicas 0 … <paramref name="replicas"/> − 1 of this build.</summary>
    public async Task<string> IssueAsync(string workspaceId, string owner, string buildId, int replicas, CancellationToken cancellationToken)
    {
        string token = TokenHasher.NewToken(TokenPrefix);
        string hash = TokenHasher.Hash(token);

        // The pointer first: a token row without one could never be revoked with its workspace.
        await tables.AgentTokens.AddEntityAsync(new AgentTokenIndexEntity { PartitionKey = AgentTokenIndexEntity.KeyFor(workspaceId), RowKey = hash, BuildId = buildId }, cancellationToken);
        await tables.AgentTokens.AddEntityAsync(new AgentTokenEntity
        {
            PartitionKey = hash,
            WorkspaceId = workspaceId,
            Owner = owner,
            BuildId = buildId,
            Replicas = replicas,
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken);
        return token;
    }

    /// <summary>
    /// Revokes every agent token the workspace was ever issued: its agents are gone (stopped or deleted), so nothing may
    /// speak for them any more; a start issues a new build with a new token. Idempotent: a retry finds the remaining
    /// pointers, or none.
    /// </summary>
    public async Task<int> RevokeWorkspaceAsync(string workspaceId, CancellationToken cancellationToken)
    {
        int revoked = 0;
        var now = time.GetUtcNow();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {AgentTokenIndexEntity.KeyFor(workspaceId)}");
        await foreach (var pointer in tables.AgentTokens.QueryAsync<AgentTokenIndexEntity>(filter, cancellationToken: cancellationToken))
        {
            if (await MarkRevokedAsync(pointer.RowKey, now, cancellationToken)) revoked++;
            try
            {
                await tables.AgentTokens.DeleteEntityAsync(pointer.PartitionKey, pointer.RowKey, pointer.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // A concurrent revoke removed it first.
            }
        }

        if (revoked > 0) LogRevoked(logger, workspaceId, revoked);
        return revoked;
    }

    /// <summary>
    /// A claim of a warm-pool member: marks the workspace's live tokens for handover to <paramref name="newOwner"/>. They
    /// keep naming the pool's row, which the claim deletes, so they authenticate nothing more until handed over.
    /// </summary>
    public async Task PrepareHandoverAsync(string workspaceId, string newOwner, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {AgentTokenIndexEntity.KeyFor(workspaceId)}");
        await foreach (var pointer in tables.AgentTokens.QueryAsync<AgentTokenIndexEntity>(filter, cancellationToken: cancellationToken))
        {
            await MutateRowAsync(pointer.RowKey, token =>
            {
                if (token.Revoked || token.HandoverOwner == newOwner) return false;
                token.HandoverOwner = newOwner;
                return true;
            }, cancellationToken);
        }
    }

    /// <summary>
    /// A handed-over token may redeem the handover again only this long after the last one: by then that answer is either
    /// applied or lost (the agent's HTTP timeout is 15 s), so a second answer never races the first on the agent.
    /// </summary>
    public static readonly TimeSpan RedeemAgainAfter = TimeSpan.FromSeconds(16);

    /// <summary>
    /// The handover of a claimed pool member's token: issues the new token (owner and build from the marked row) and marks
    /// <paramref name="token"/> handed over with one write under the ETag it was read with, so of concurrent calls exactly
    /// one gets a new token; from then on the old token authenticates nothing. Its answer can be lost (a timeout, a failed
    /// response): until the new token is confirmed (<see cref="RetireHandedOverAsync"/>), the old one may redeem the
    /// handover again after <see cref="RedeemAgainAfter"/>, which revokes the previous new token. Null when nothing is to
    /// hand over (not marked, revoked, confirmed, a concurrent call won, or too soon to redeem again).
    /// </summary>
    public async Task<string?> HandOverAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 256) return null;
        string hash = TokenHasher.Hash(token);
        var old = await ReadRowAsync(hash, cancellationToken);
        if (old is null || old.Revoked || old.HandoverOwner is not { } owner) return null;
        var now = time.GetUtcNow();
        string? previous = old.HandedOverTo;
        if (previous is not null && now - (old.HandedOverAt ?? now) < RedeemAgainAfter) return null;

        // The new token first: if this call dies after it, the old one is unchanged and the next call hands over again.
        string rotated = await IssueAsync(old.WorkspaceId, owner, old.BuildId, old.Replicas ?? 1, cancellationToken);
        old.HandedOverTo = TokenHasher.Hash(rotated);
        old.HandedOverAt = now;
        try
        {
            await tables.AgentTokens.UpdateEntityAsync(old, old.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Another call handed over first; the token issued here is shown to no one (and revoked with the workspace).
            return null;
        }
        finally
        {
            _principals.Remove(hash);
        }

        // A redeem: the answer before was lost, and the token it carried goes.
        if (previous is not null)
        {
            await MarkRevokedAsync(previous, now, cancellationToken);
            LogRedeemed(logger, old.WorkspaceId);
        }

        LogHandedOver(logger, old.WorkspaceId);
        return rotated;
    }

    /// <summary>The claim is confirmed (the agent used its new token): the tokens it was handed over from are revoked for good.</summary>
    public async Task RetireHandedOverAsync(string workspaceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {AgentTokenIndexEntity.KeyFor(workspaceId)}");
        await foreach (var pointer in tables.AgentTokens.QueryAsync<AgentTokenIndexEntity>(filter, cancellationToken: cancellationToken))
        {
            var row = await ReadRowAsync(pointer.RowKey, cancellationToken);
            if (row is { HandedOverTo: not null, Revoked: false }) await MarkRevokedAsync(pointer.RowKey, now, cancellationToken);
        }
    }

    /// <summary>The token row of <paramref name="hash"/>, under its row key or the one tokens issued before had (<see cref="KeyedRowKey"/>).</summary>
    Task<AgentTokenEntity?> ReadRowAsync(string hash, CancellationToken cancellationToken) =>
        KeyedRowKey.GetAsync<AgentTokenEntity>(tables.AgentTokens, hash, AgentTokenEntity.LegacyRowKey, cancellationToken);

    /// <summary>Read-modify-write of the token row of <paramref name="hash"/> where it is stored, under its ETag; null when there is none.</summary>
    Task<AgentTokenEntity?> MutateRowAsync(string hash, Func<AgentTokenEntity, bool> mutate, CancellationToken cancellationToken) =>
        OptimisticConcurrency.MutateAsync<AgentTokenEntity>(null, ct => ReadRowAsync(hash, ct), mutate, (row, ct) => OptimisticConcurrency.ReplaceAsync(tables.AgentTokens, row, ct), cancellationToken);

    async Task<bool> MarkRevokedAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            bool revoked = false;
            await MutateRowAsync(hash, token =>
            {
                revoked = false;
                if (token.Revoked) return false;
                token.Revoked = true;
                token.RevokedAt = now;
                return revoked = true;
            }, cancellationToken);
            return revoked;
        }
        finally
        {
            // After the write as well: a request that read the row just before it would otherwise keep it cached here.
            _principals.Remove(hash);
        }
    }

    /// <summary>
    /// The workspace and build a token belongs to, or null. Whether the build is still current is the caller's check.
    /// The entity may be shared with other callers: read it, do not change it.
    /// </summary>
    public Task<AgentTokenEntity?> FindAsync(string? token, CancellationToken cancellationToken) => FindAsync(token, CacheTime, cancellationToken);

    /// <summary>
    /// <see cref="FindAsync(string?, CancellationToken)"/> on a token row read here at most <paramref name="maxAge"/> ago
    /// (capped at <see cref="RememberTime"/>): for the agent's steady traffic only (<see cref="AgentReuseWindow"/>).
    /// </summary>
    public async Task<AgentTokenEntity?> FindAsync(string? token, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (token is not { Length: > 0 and < 256 } || !token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        string hash = TokenHasher.Hash(token);
        if (!_principals.TryGetFresh(hash, maxAge, out var principal))
        {
            var row = await ReadRowAsync(hash, cancellationToken);
            if (row is null || !TokenHasher.FixedTimeEquals(row.PartitionKey, hash)) return null;
            principal = row;
            _principals.Set(hash, principal);
        }

        // A handed-over token speaks for nothing any more (it can only redeem the handover, see HandOverAsync).
        if (!principal.Revoked && principal.HandedOverTo is null) return principal;
        metrics.AgentTokenRejected("revoked");
        return null;
    }

    /// <summary>
    /// The token's principal when it belongs to <paramref name="workspaceId"/>; otherwise null. A valid token used for
    /// another workspace is a spoofing attempt (or a confused agent): it is logged and counted.
    /// </summary>
    public Task<AgentTokenEntity?> FindForWorkspaceAsync(string? token, string workspaceId, CancellationToken cancellationToken) =>
        FindForWorkspaceAsync(token, workspaceId, CacheTime, cancellationToken);

    /// <summary><see cref="FindForWorkspaceAsync(string?, string, CancellationToken)"/> on a token row read here at most <paramref name="maxAge"/> ago.</summary>
    public async Task<AgentTokenEntity?> FindForWorkspaceAsync(string? token, string workspaceId, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var principal = await FindAsync(token, maxAge, cancellationToken);
        if (principal is null || principal.WorkspaceId == workspaceId) return principal;
        metrics.AgentTokenRejected("other_workspace");
        LogCrossWorkspace(logger, principal.WorkspaceId, workspaceId);
        return null;
    }

    /// <summary>Counts a token of a replaced build: it was valid once, and rotation retired it.</summary>
    public void ReportStaleBuild(string workspaceId)
    {
        metrics.AgentTokenRejected("replaced_build");
        LogStaleBuild(logger, workspaceId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed a claimed pool member's agent a new token; the old one is revoked (workspace {WorkspaceId})")]
    static partial void LogHandedOver(ILogger logger, string workspaceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A claimed pool member's agent redeemed its handover again (the answer before was lost); the token it carried is revoked (workspace {WorkspaceId})")]
    static partial void LogRedeemed(ILogger logger, string workspaceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked {Count} agent token(s) of workspace {WorkspaceId}")]
    static partial void LogRevoked(ILogger logger, string workspaceId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an agent message for workspace {ClaimedWorkspaceId} signed with the token of workspace {TokenWorkspaceId}")]
    static partial void LogCrossWorkspace(ILogger logger, string tokenWorkspaceId, string claimedWorkspaceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an agent message for workspace {WorkspaceId} signed with the token of a replaced build")]
    static partial void LogStaleBuild(ILogger logger, string workspaceId);
}
