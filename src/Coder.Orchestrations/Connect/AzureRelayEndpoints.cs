using System.Collections.Concurrent;
using Azure.Core;
using Coder.Orchestrations.Provisioning.Azure;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Connect;

/// <summary>
/// Hybrid connections on Azure Relay through ARM with the app's managed identity (Azure Relay Owner on the namespace):
/// PUT <c>{namespace id}/hybridConnections/{name}</c> with <c>requiresClientAuthorization</c> true (a
/// sender needs a token too), DELETE when the workspace is deleted
/// (https://learn.microsoft.com/rest/api/relay/hybrid-connections/create-or-update,
/// https://learn.microsoft.com/rest/api/relay/hybrid-connections/delete).
/// </summary>
public sealed class AzureRelayEndpoints(AzureClients azure, IOptions<RelayConnectOptions> options) : IRelayEndpoints
{
    public const string ApiVersion = "2021-11-01";

    static readonly ArmRequestOptions NotFoundIsFine = new() { AllowNotFound = true };

    static readonly BinaryData CreateBody = BinaryData.FromString("""{"properties":{"requiresClientAuthorization":true}}""");

    // A PUT per token would be one ARM write per connect; an entity once made stays until its workspace is deleted.
    readonly ConcurrentDictionary<string, bool> _ensured = new(StringComparer.Ordinal);

    public async Task EnsureAsync(string path, CancellationToken cancellationToken)
    {
        if (_ensured.ContainsKey(path)) return;
        await azure.Requests.SendAsync(RequestMethod.Put, HybridConnectionId(path), null, ApiVersion, CreateBody, cancellationToken);
        _ensured[path] = true;
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        _ensured.TryRemove(path, out _);
        await azure.Requests.SendAsync(RequestMethod.Delete, HybridConnectionId(path), null, ApiVersion, null, NotFoundIsFine, cancellationToken);
    }

    public ResourceIdentifier HybridConnectionId(string path) => new($"{options.Value.NamespaceId}/hybridConnections/{path}");
}
