using System.Net.WebSockets;
using System.Text.Json;
using Coder.Relay.Protocol;

namespace Coder.Relay;

/// <summary>One listener's control channel; sends are serialized because accepts for it come from many senders at once.</summary>
public sealed class ControlChannel(string path, WebSocket socket) : IDisposable
{
    readonly SemaphoreSlim _sendLock = new(1, 1);

    public string Path { get; } = path;

    public WebSocket Socket { get; } = socket;

    /// <summary>When the token the listener last presented (at listen or by <c>renewToken</c>) expires.</summary>
    public DateTimeOffset TokenExpiresAt { get; set; }

    public async Task SendAcceptAsync(HybridConnectionAccept accept, CancellationToken cancellationToken)
    {
        byte[] message = JsonSerializer.SerializeToUtf8Bytes(new ControlChannelMessage(Accept: accept), RelayJsonContext.Default.ControlChannelMessage);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await Socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the channel from the relay's side with a status the listener sees (1008 for a token that ran out).</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await Socket.CloseOutputAsync(status, description, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public void Dispose() => _sendLock.Dispose();
}
