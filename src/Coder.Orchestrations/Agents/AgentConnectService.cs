using Coder.Contracts.Connect;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Connect;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// The agent's side of the way in: a Listen token for its own workspace's replica path only (a replica its token
/// covers), and its owner's authorized keys. The agent token is the only credential; it never sees the relay key.
/// </summary>
public sealed class AgentConnectService(AgentManifestService manifests, RelayTokenService relay, SshKeyStore keys)
{
    public async Task<RelayTokenResponse> ListenTokenAsync(string? token, RelayTokenRequest request, CancellationToken cancellationToken)
    {
        var (principal, workspace) = await manifests.AuthenticateAsync(token, cancellationToken) ?? throw CoderProblemException.Unauthorized();
        int replica = request.Replica ?? 0;
        if (replica < 0 || replica >= principal.Replicas)
            throw CoderProblemException.Validation("replica", $"This agent token covers replicas 0 to {principal.Replicas - 1}.");
        if (!relay.IsConfigured) throw CoderProblemException.NotFound("A relay");
        var grant = await relay.MintAsync(workspace.RowKey, replica, RelayRight.Listen, cancellationToken);
        return new RelayTokenResponse(grant.RelayUrl, grant.Path, grant.Token, grant.ExpiresAt);
    }

    public async Task<AuthorizedKeysResponse> AuthorizedKeysAsync(string? token, CancellationToken cancellationToken)
    {
        var (_, workspace) = await manifests.AuthenticateAsync(token, cancellationToken) ?? throw CoderProblemException.Unauthorized();
        var key = await keys.GetAsync(workspace.PartitionKey, cancellationToken);
        return new AuthorizedKeysResponse(key is null ? [] : [key.PublicKey]);
    }
}
