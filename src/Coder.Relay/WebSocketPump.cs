using System.Buffers;
using System.Net.WebSockets;

namespace Coder.Relay;

/// <summary>
/// Copies messages both ways between the sender's and the listener's WebSocket, unchanged, until both have closed. A
/// message is passed on whole when it fits the buffer: a receive returns what has arrived so far (a few KiB off the
/// socket), and passing each piece on as its own frame cost the next hop a frame, a send and a wake-up per piece.
/// </summary>
public static class WebSocketPump
{
    /// <summary>Holds a whole frame of the connect protocol (64 KiB and its length), the largest message its peers send.</summary>
    const int BufferSize = 128 * 1024;

    public static async Task RunAsync(WebSocket sender, WebSocket listener, CancellationToken cancellationToken)
    {
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var toListener = CopyAsync(sender, listener, aborted);
        var toSender = CopyAsync(listener, sender, aborted);
        await Task.WhenAll(toListener, toSender);
    }

    static async Task CopyAsync(WebSocket from, WebSocket to, CancellationTokenSource aborted)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int filled = 0;
                var type = WebSocketMessageType.Binary;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await from.ReceiveAsync(buffer.AsMemory(filled), aborted.Token);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                    type = result.MessageType;
                    filled += result.Count;
                }
                while (!result.EndOfMessage && filled < buffer.Length);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (filled > 0) await to.SendAsync(buffer.AsMemory(0, filled), type, endOfMessage: false, aborted.Token);
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, aborted.Token);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, filled), type, result.EndOfMessage, aborted.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // One side vanished without a close: end the other side too rather than leave it hanging.
            await aborted.CancelAsync();
            from.Abort();
            to.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
