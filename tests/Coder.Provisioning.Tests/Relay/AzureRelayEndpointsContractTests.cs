using Coder.Orchestrations.Connect;
using Coder.Provisioning.Tests.FakeArm;
using Microsoft.Extensions.Options;

namespace Coder.Provisioning.Tests.Relay;

/// <summary>
/// The hybrid connections the control plane makes on Azure Relay through ARM (the REST reference's Hybrid Connections
/// Create Or Update and Delete, api-version 2021-11-01), with the same authenticated, retrying ARM pipeline the
/// provisioners use: one per workspace replica path, client authorization required, made before a token is handed out,
/// deleted with the workspace (a 404 or 204 is fine).
/// </summary>
public sealed class AzureRelayEndpointsContractTests : ArmContractTest
{
    const string NamespaceId = $"/subscriptions/{FakeArmServer.Subscription}/resourceGroups/rg-coder-test/providers/Microsoft.Relay/namespaces/relay-coder";

    RelayConnectOptions Relay => new()
    {
        Url = "wss://relay-coder.servicebus.windows.net",
        KeyName = "coder-control-plane",
        Key = "control-plane-key",
        SendKeyName = "coder-connect",
        SendKey = "connect-key",
        NamespaceId = NamespaceId,
    };

    [Fact]
    public async Task MintingAToken_MakesTheReplicasHybridConnectionFirst_WithClientAuthorization_Once()
    {
        Fake.AddRelayNamespace(NamespaceId);
        var endpoints = new AzureRelayEndpoints(Azure, Options.Create(Relay));
        var tokens = new RelayTokenService(Options.Create(Relay), endpoints, TimeProvider.System);

        var grant = await tokens.MintAsync("ws-abc123", 1, RelayRight.Listen, CancellationToken.None);
        await tokens.MintAsync("ws-abc123", 1, RelayRight.Send, CancellationToken.None);

        var created = Assert.Single(Fake.HybridConnections);
        Assert.Equal($"{NamespaceId}/hybridConnections/ws-ws-abc123-1", created.Key);
        Assert.True((bool)created.Value["properties"]!["requiresClientAuthorization"]!);
        Assert.Equal("ws-ws-abc123-1", grant.Path);
        Assert.Single(Fake.Calls, c => c.Method == "PUT");
    }

    [Fact]
    public async Task DeletingAWorkspace_DeletesItsReplicasHybridConnections_AndAgainIsFine()
    {
        Fake.AddRelayNamespace(NamespaceId);
        var endpoints = new AzureRelayEndpoints(Azure, Options.Create(Relay));
        var tokens = new RelayTokenService(Options.Create(Relay), endpoints, TimeProvider.System);
        await tokens.MintAsync("ws-gone", 0, RelayRight.Listen, CancellationToken.None);
        await tokens.MintAsync("ws-gone", 1, RelayRight.Listen, CancellationToken.None);

        await tokens.DeleteAsync("ws-gone", 2, CancellationToken.None);
        await tokens.DeleteAsync("ws-gone", 2, CancellationToken.None);

        Assert.Empty(Fake.HybridConnections);
        Assert.Equal([200, 200, 204, 204], Fake.Calls.Where(c => c.Method == "DELETE").Select(c => c.Status));
    }

    [Fact]
    public async Task ANamespaceThatDoesNotExist_FailsTheMint_AndNoTokenIsHandedOut()
    {
        var tokens = new RelayTokenService(Options.Create(Relay), new AzureRelayEndpoints(Azure, Options.Create(Relay)), TimeProvider.System);

        var failure = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => tokens.MintAsync("ws-x", 0, RelayRight.Send, CancellationToken.None));

        Assert.Equal(404, failure.Status);
    }
}
