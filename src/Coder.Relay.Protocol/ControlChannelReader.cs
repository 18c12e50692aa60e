using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Coder.Relay.Protocol;

/// <summary>Reads control-channel messages (one JSON text message each, at most 64 KiB) from either end.</summary>
public sealed class ControlChannelReader(WebSocket socket)
{
    const int MaxMessageBytes = 64 * 1024;
    readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>The next message; null when the peer closed the channel.</summary>
    public async Task<ControlChannelMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(_buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            _buffer.Advance(result.Count);
            if (_buffer.WrittenCount > MaxMessageBytes) throw new InvalidDataException("A control message exceeded 64 KiB.");
        }
        while (!result.EndOfMessage);

        return JsonSerializer.Deserialize(_buffer.WrittenSpan, RelayJsonContext.Default.ControlChannelMessage)
            ?? throw new InvalidDataException("A control message was null.");
    }
}
