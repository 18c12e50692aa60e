using System.Collections.Concurrent;
using Azure.Data.Tables;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// Per-build agent tokens: issued when a build starts (every provision, start, rebuild, restore or upgrade makes a new
/// build), stored as hashes, valid only for their workspace and only while their build is the workspace's current one.
/// </summary>
public sealed partial class AgentTokenService(CoderTables tables, TimeProvider time, SecurityMetrics metrics, ILogger<AgentTokenService> logger)
{
    public const string TokenPrefix = "cda_";

    /// <summary>Enough tokens for every live build of a busy control plane; past it the cache starts over (a miss is one read).</summary>
    public const int MaxCachedPrincipals = 100_000;

    // A token row is written once, under a fresh random token, and never changed or deleted, so hash → principal is safe
    // to keep. Only hits are kept (a miss must not hide a token issued a moment later), and whether the build is still
    // current is checked against the workspace row on every use, so a cached principal of a replaced build still fails.
    readonly ConcurrentDictionary<string, AgentTokenEntity> _principals = new(StringComparer.Ordinal);

    /// <summary>A new token for the agents of replicas 0 … <paramref name="replicas"/> − 1 of this build.</summary>
    public async Task<string> IssueAsync(string workspaceId, string owner, string buildId, int replicas, CancellationToken cancellationToken)
    {
        string token = TokenHasher.NewToken(TokenPrefix);
        await tables.AgentTokens.UpsertEntityAsync(new AgentTokenEntity
        {
            PartitionKey = TokenHasher.Hash(token),
            WorkspaceId = workspaceId,
            Owner = owner,
            BuildId = buildId,
            Replicas = replicas,
            CreatedAt = time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken);
        return token;
    }

    /// <summary>
    /// The workspace and build a token belongs to, or null. Whether the build is still current is the caller's check.
    /// The entity may be shared with other callers: read it, do not change it.
    /// </summary>
    public async Task<AgentTokenEntity?> FindAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is not { Length: > 0 and < 256 } || !token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        string hash = TokenHasher.Hash(token);
        if (_principals.TryGetValue(hash, out var cached)) return cached;
        var response = await tables.AgentTokens.GetEntityIfExistsAsync<AgentTokenEntity>(hash, "", cancellationToken: cancellationToken);
        if (!response.HasValue || !TokenHasher.FixedTimeEquals(response.Value!.PartitionKey, hash)) return null;
        if (_principals.Count >= MaxCachedPrincipals) _principals.Clear();
        _principals[hash] = response.Value;
        return response.Value;
    }

    /// <summary>
    /// The token's principal when it belongs to <paramref name="workspaceId"/>; otherwise null. A valid token used for
    /// another workspace is a spoofing attempt (or a confused agent): it is logged and counted.
    /// </summary>
    public async Task<AgentTokenEntity?> FindForWorkspaceAsync(string? token, string workspaceId, CancellationToken cancellationToken)
    {
        var principal = await FindAsync(token, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an agent message for workspace {ClaimedWorkspaceId} signed with the token of workspace {TokenWorkspaceId}")]
    static partial void LogCrossWorkspace(ILogger logger, string tokenWorkspaceId, string claimedWorkspaceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an agent message for workspace {WorkspaceId} signed with the token of a replaced build")]
    static partial void LogStaleBuild(ILogger logger, string workspaceId);
}
