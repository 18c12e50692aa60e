using Coder.Contracts.Connect;
using Coder.Relay.Protocol;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Connect;

/// <summary>
/// Mints per-path shared access signatures: the resource is exactly one replica's path, never the namespace or a
/// prefix, so a token for workspace A cannot listen or connect as workspace B. The entity is ensured first.
/// </summary>
public sealed class RelayTokenService(IOptions<RelayConnectOptions> options, IRelayEndpoints endpoints, TimeProvider time)
{
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>The relayed connections each agent takes at once, as its manifest tells it.</summary>
    public int MaxConnections => options.Value.MaxConnections;

    /// <summary>The manifest's <c>connect</c> section, or null when no relay is configured (the agent does not listen then).</summary>
    public AgentConnectSettings? ManifestSettings(string workspaceId)
    {
        var o = options.Value;
        return o.IsConfigured ? new AgentConnectSettings(o.Url!, RelayPaths.For(workspaceId, 0), o.MaxSessionsPerConnection, o.MaxConnections) : null;
    }

    public async Task<RelayGrant> MintAsync(string workspaceId, int replica, RelayRight right, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new InvalidOperationException("No relay is configured (CODER_RELAY_URL, CODER_RELAY_KEY_NAME, CODER_RELAY_KEY).");
        string path = RelayPaths.For(workspaceId, replica);
        await endpoints.EnsureAsync(path, cancellationToken);
        var lifetime = right == RelayRight.Listen ? o.ListenTokenLifetime : o.ConnectTokenLifetime;
        var (keyName, key) = right == RelayRight.Send && o.SendKeyName is { Length: > 0 } && o.SendKey is { Length: > 0 }
            ? (o.SendKeyName, o.SendKey)
            : (o.KeyName!, o.Key!);
        string token = RelaySasToken.Create(HybridConnectionProtocol.Resource(o.RelayUri, path), keyName, key, lifetime, time);
        return new RelayGrant(o.Url!, path, token, RelaySasToken.Parse(token)!.ExpiresAt);
    }

    /// <summary>Deletes the entities of replicas 0 … <paramref name="replicas"/> − 1 (the workspace is gone).</summary>
    public async Task DeleteAsync(string workspaceId, int replicas, CancellationToken cancellationToken)
    {
        if (!options.Value.IsConfigured) return;
        for (int replica = 0; replica < replicas; replica++) await endpoints.DeleteAsync(RelayPaths.For(workspaceId, replica), cancellationToken);
    }
}
