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

    public void Dispose() => _sendLock.Dispose();
}
