namespace Coder.Relay.Protocol;

/// <summary>
/// The service's <c>accept</c> message on a listener's control channel: open a WebSocket to <see cref="Address"/> to
/// accept the sender <see cref="Id"/> (or add <c>sb-hc-statusCode</c> to reject it).
/// </summary>
public sealed record HybridConnectionAccept(
    string Address,
    string Id,
    IReadOnlyDictionary<string, string>? ConnectHeaders,
    RelayRemoteEndpoint? RemoteEndpoint);
