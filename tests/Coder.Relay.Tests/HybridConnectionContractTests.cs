using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using Coder.Relay.Protocol;

namespace Coder.Relay.Tests;

/// <summary>
/// Pins the messages and addresses to the protocol as documented in "Azure Relay Hybrid Connections protocol",
/// https://learn.microsoft.com/azure/azure-relay/relay-hybrid-connections-protocol — the listener's control channel,
/// the accept message, renewToken, the sender's connect, and the rejection parameters.
/// </summary>
public sealed class HybridConnectionContractTests
{
    const string DocumentUrl = "https://learn.microsoft.com/azure/azure-relay/relay-hybrid-connections-protocol";
    static readonly Uri Namespace = new("https://contoso.servicebus.windows.net");

    [Fact]
    public void AcceptMessage_InTheDocumentedShape_Parses()
    {
        // The shape of the documented accept message: address, id, connectHeaders, remoteEndpoint {address, port}.
        const string message = """
            {"accept":{
              "address":"wss://dc-node.servicebus.windows.net:443/$hc/ws/one?sb-hc-action=accept&sb-hc-id=7c2a0f0e",
              "id":"7c2a0f0e",
              "connectHeaders":{"Host":"contoso.servicebus.windows.net","Sec-WebSocket-Version":"13","Origin":"example"},
              "remoteEndpoint":{"address":"10.1.2.3","port":50123}}}
            """;

        var parsed = JsonSerializer.Deserialize(message, RelayJsonContext.Default.ControlChannelMessage)!;

        var accept = Assert.IsType<HybridConnectionAccept>(parsed.Accept);
        Assert.Equal("7c2a0f0e", accept.Id);
        Assert.StartsWith("wss://dc-node.servicebus.windows.net:443/$hc/ws/one?", accept.Address, StringComparison.Ordinal);
        Assert.Equal("example", accept.ConnectHeaders!["Origin"]);
        Assert.Equal(new RelayRemoteEndpoint("10.1.2.3", 50123), accept.RemoteEndpoint);
        Assert.Null(parsed.RenewToken);
    }

    [Fact]
    public void AcceptMessage_IsWrittenWithTheDocumentedMemberNamesOnly()
    {
        var message = new ControlChannelMessage(Accept: new HybridConnectionAccept(
            "wss://host/$hc/ws/one?sb-hc-action=accept&sb-hc-id=1", "1", new Dictionary<string, string> { ["Origin"] = "o" }, new RelayRemoteEndpoint("10.0.0.1", 4242)));

        var json = JsonNode.Parse(JsonSerializer.Serialize(message, RelayJsonContext.Default.ControlChannelMessage))!.AsObject();

        Assert.Equal(["accept"], json.Select(p => p.Key));
        var accept = json["accept"]!.AsObject();
        Assert.Equal(["address", "id", "connectHeaders", "remoteEndpoint"], accept.Select(p => p.Key));
        Assert.Equal(["address", "port"], accept["remoteEndpoint"]!.AsObject().Select(p => p.Key));
        Assert.Equal(JsonValueKind.Number, accept["remoteEndpoint"]!["port"]!.GetValueKind());
    }

    [Fact]
    public void RenewToken_IsWrittenAsTheDocumentedCommand()
    {
        var message = new ControlChannelMessage(RenewToken: new RenewTokenCommand("SharedAccessSignature sr=a&sig=b&se=1&skn=k"));

        string json = JsonSerializer.Serialize(message, RelayJsonContext.Default.ControlChannelMessage);

        Assert.Equal("""{"renewToken":{"token":"SharedAccessSignature sr=a\u0026sig=b\u0026se=1\u0026skn=k"}}""", json);
        Assert.Equal("SharedAccessSignature sr=a&sig=b&se=1&skn=k", JsonNode.Parse(json)!["renewToken"]!["token"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(HybridConnectionProtocol.ListenAction)]
    [InlineData(HybridConnectionProtocol.ConnectAction)]
    public void Address_IsTheDocumentedWebSocketUrl(string action)
    {
        const string token = "SharedAccessSignature sr=http%3a%2f%2fcontoso%2fws&sig=a%2Bb%3D&se=1&skn=k";

        var address = HybridConnectionProtocol.Address(Namespace, "ws/one", action, "client-1", token);

        Assert.Equal("wss", address.Scheme);
        Assert.Equal("contoso.servicebus.windows.net", address.Authority);
        Assert.Equal("/$hc/ws/one", address.AbsolutePath);
        var query = HttpUtility.ParseQueryString(address.Query);
        Assert.Equal(["sb-hc-action", "sb-hc-id", "sb-hc-token"], query.AllKeys.Select(k => k!));
        Assert.Equal(action, query["sb-hc-action"]);
        Assert.Equal("client-1", query["sb-hc-id"]);
        Assert.Equal(token, query["sb-hc-token"]);
    }

    [Fact]
    public void ProtocolNames_AreTheDocumentedOnes()
    {
        Assert.Equal("/$hc/", HybridConnectionProtocol.PathPrefix);
        Assert.Equal(("listen", "connect", "accept"), (HybridConnectionProtocol.ListenAction, HybridConnectionProtocol.ConnectAction, HybridConnectionProtocol.AcceptAction));
        Assert.Equal(("sb-hc-statusCode", "sb-hc-statusDescription"), (HybridConnectionProtocol.StatusCodeParameter, HybridConnectionProtocol.StatusDescriptionParameter));
        Assert.Equal("ServiceBusAuthorization", HybridConnectionProtocol.AuthorizationHeader);
        Assert.Equal(410, HybridConnectionProtocol.RejectedRendezvousStatus);
        Assert.Equal("http://contoso.servicebus.windows.net/ws/one", HybridConnectionProtocol.Resource(Namespace, "/ws/one/"));
        Assert.NotEmpty(DocumentUrl);
    }
}
