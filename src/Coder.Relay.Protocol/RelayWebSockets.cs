using System.Net.WebSockets;

namespace Coder.Relay.Protocol;

/// <summary>Opens the protocol's WebSockets and turns a refused upgrade into its HTTP status.</summary>
static class RelayWebSockets
{
    public static async Task<ClientWebSocket> ConnectAsync(Uri address, TimeSpan keepAlive, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) socket.Options.SetRequestHeader(name, value);
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = keepAlive;
        try
        {
            await socket.ConnectAsync(address, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (WebSocketException e) when (socket.HttpStatusCode != 0)
        {
            int status = (int)socket.HttpStatusCode;
            socket.Dispose();
            // The address holds the token in its query; the message names only the path.
            throw new HybridConnectionException(status, $"The relay refused {address.AbsolutePath} with HTTP {status}.", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The rendezvous as a byte stream: each write one binary message, a read of 0 the peer's close.</summary>
    public static Stream AsStream(WebSocket socket) => WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
}
