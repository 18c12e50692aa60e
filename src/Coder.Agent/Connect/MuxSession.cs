using Coder.Connect.Protocol;
using System.Threading.Channels;

namespace Coder.Agent.Connect;

/// <summary>
/// One session on a connection: its input queue (bounded by the window it grants), its output credit, and the pumps
/// every kind uses. A kind starts its process or socket in <see cref="RunAsync"/> and returns when the session is over.
/// </summary>
public abstract class MuxSession(uint id, MuxFrameWriter writer)
{
    readonly Channel<ReadOnlyMemory<byte>> _input = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    readonly CreditWindow _sendWindow = new(MuxFrameCodec.InitialWindow);
    int _unconsumed;

    public uint Id => id;

    protected MuxFrameWriter Writer => writer;

    public abstract Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Ends the session at once (the connection is gone): kills its processes or closes its socket.</summary>
    public abstract void Abort();

    public virtual void Resize(ushort cols, ushort rows)
    {
    }

    public virtual void Signal(int signal)
    {
    }

    public void Grant(int bytes) => _sendWindow.Grant(bytes);

    /// <returns>False when the peer sent more than the window it was granted (with the grant at open, <see cref="MuxFrameCodec.ReceiveWindow"/>).</returns>
    public bool Receive(ReadOnlyMemory<byte> data)
    {
        if (Interlocked.Add(ref _unconsumed, data.Length) > MuxFrameCodec.ReceiveWindow) return false;
        return _input.Writer.TryWrite(data);
    }

    /// <summary>The peer sent <c>close</c>: no more input.</summary>
    public void EndInput() => _input.Writer.TryComplete();

    /// <summary>Writes the peer's input to <paramref name="target"/>, granting the window back as it goes; <paramref name="complete"/> at its end.</summary>
    protected async Task PumpInputAsync(Stream target, Action complete, CancellationToken cancellationToken)
    {
        try
        {
            int owed = 0;
            await foreach (var chunk in _input.Reader.ReadAllAsync(cancellationToken))
            {
                await target.WriteAsync(chunk, cancellationToken);
                await target.FlushAsync(cancellationToken);
                Interlocked.Add(ref _unconsumed, -chunk.Length);

                // Grants go back in batches (a quarter of the window, or whatever is owed once no input waits): a window
                // frame per data frame cost one relayed WebSocket message each way per chunk.
                owed += chunk.Length;
                if (owed >= MuxFrameCodec.ReceiveWindow / 4 || !_input.Reader.TryPeek(out _))
                {
                    await writer.SendAsync(MuxFrame.Window(id, owed), cancellationToken);
                    owed = 0;
                }
            }
        }
        catch (IOException)
        {
            // The process closed its input or the socket reset; what is left of the input has nowhere to go.
        }
        finally
        {
            try
            {
                complete();
            }
            catch (IOException)
            {
                // Closing a pipe whose reader is gone flushes into nothing.
            }
        }
    }

    /// <summary>Sends what <paramref name="source"/> yields as data on <paramref name="channel"/>, within the peer's window.</summary>
    protected async Task PumpOutputAsync(Stream source, MuxChannel channel, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MuxFrameCodec.MaxDataChunk];
        while (true)
        {
            int read;
            try
            {
                read = await source.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException)
            {
                return; // A pseudo-terminal reports EIO once no process holds its other end.
            }

            if (read == 0) return;
            for (int sent = 0; sent < read;)
            {
                int credit = await _sendWindow.TakeAsync(read - sent, cancellationToken);
                await writer.SendDataAsync(id, channel, buffer.AsMemory(sent, credit), cancellationToken);
                sent += credit;
            }
        }
    }
}
