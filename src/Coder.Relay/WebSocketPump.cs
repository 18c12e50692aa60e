using System.Buffers;
using System.Net.WebSockets;

namespace Coder.Relay;

/// <summary>Copies frames both ways between the sender's and the listener's WebSocket, unchanged, until both have closed.</summary>
public static class WebSocketPump
{
    const int BufferSize = 64 * 1024;

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
                var result = await from.ReceiveAsync(buffer.AsMemory(), aborted.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, aborted.Token);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, aborted.Token);
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
