namespace Coder.Relay.Protocol;

/// <summary>
/// Names fixed by the Hybrid Connections protocol
/// (https://learn.microsoft.com/azure/azure-relay/relay-hybrid-connections-protocol).
/// </summary>
public static class HybridConnectionProtocol
{
    /// <summary>The path prefix every Hybrid Connections WebSocket address starts with.</summary>
    public const string PathPrefix = "/$hc/";

    public const string ActionParameter = "sb-hc-action";
    public const string IdParameter = "sb-hc-id";
    public const string TokenParameter = "sb-hc-token";
    public const string StatusCodeParameter = "sb-hc-statusCode";
    public const string StatusDescriptionParameter = "sb-hc-statusDescription";

    /// <summary>The header a token may travel in instead of <see cref="TokenParameter"/>.</summary>
    public const string AuthorizationHeader = "ServiceBusAuthorization";

    public const string ListenAction = "listen";
    public const string ConnectAction = "connect";
    public const string AcceptAction = "accept";

    /// <summary>The status a rejecting listener's rendezvous request gets: no WebSocket is established, by design.</summary>
    public const int RejectedRendezvousStatus = 410;

    /// <summary>The WebSocket address of <paramref name="path"/> for one action: <c>wss://{host}/$hc/{path}?sb-hc-action=..</c>.</summary>
    public static Uri Address(Uri relay, string path, string action, string id, string? token)
    {
        string scheme = relay.Scheme switch { "https" or "wss" => "wss", _ => "ws" };
        string authority = relay.IsDefaultPort ? relay.Host : $"{relay.Host}:{relay.Port}";
        string query = $"{ActionParameter}={action}&{IdParameter}={Uri.EscapeDataString(id)}";
        if (token is not null) query += $"&{TokenParameter}={Uri.EscapeDataString(token)}";
        return new Uri($"{scheme}://{authority}{PathPrefix}{EscapePath(path)}?{query}");
    }

    /// <summary>The resource a token for <paramref name="path"/> names: <c>http://{host}/{path}</c>, as Service Bus does.</summary>
    public static string Resource(Uri relay, string path)
    {
        string authority = relay.IsDefaultPort ? relay.Host : $"{relay.Host}:{relay.Port}";
        return $"http://{authority}/{EscapePath(path)}";
    }

    static string EscapePath(string path) => string.Join('/', path.Trim('/').Split('/').Select(Uri.EscapeDataString));
}
