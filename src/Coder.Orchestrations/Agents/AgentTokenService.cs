using Azure.Data.Tables;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Agents;

/// <summary>Per-build agent tokens: issued when a build starts, stored as hashes, valid only for their workspace and build.</summary>
public sealed class AgentTokenService(CoderTables tables, TimeProvider time)
{
    public const string TokenPrefix = "cda_";

    public async Task<string> IssueAsync(string workspaceId, string owner, string buildId, CancellationToken cancellationToken)
    {
        string token = TokenHasher.NewToken(TokenPrefix);
        await tables.AgentTokens.UpsertEntityAsync(new AgentTokenEntity
        {
            PartitionKey = TokenHasher.Hash(token),
            WorkspaceId = workspaceId,
            Owner = owner,
            BuildId = buildId,
            CreatedAt = time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken);
        return token;
    }

    /// <summary>The workspace and build a token belongs to, or null. Whether the build is still current is the caller's check.</summary>
    public async Task<AgentTokenEntity?> FindAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is not { Length: > 0 and < 256 } || !token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        var response = await tables.AgentTokens.GetEntityIfExistsAsync<AgentTokenEntity>(TokenHasher.Hash(token), "", cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}
