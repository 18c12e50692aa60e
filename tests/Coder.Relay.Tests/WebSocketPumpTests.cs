using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Security.Cryptography;

namespace Coder.Relay.Tests;

/// <summary>
/// The relay's copy loop between a sender's and a listener's WebSocket, over in-memory streams: what the listener gets is
/// what the sender sent, and a message that comes off the socket in pieces leaves the relay as one frame.
/// </summary>
public sealed class WebSocketPumpTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_read_in_4_KiB_pieces_is_passed_on_whole_as_one_frame()
    {
        await using var relayed = Relayed.Start(relayReadLimit: 4096);

        // A connect-protocol frame's size: 60 KiB of data and its header.
        byte[] message = RandomNumberGenerator.GetBytes(60 * 1024 + 10);
        await relayed.Sender.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        byte[] received = await ReceiveMessageAsync(relayed.Listener);

        Assert.Equal(message, received);
        int headerLength = 4; // a server's frame of 126..65535 bytes: 2 bytes, then the length in 2 more; no mask
        Assert.Equal(headerLength + message.Length, relayed.WritesToListener[0]);

        await relayed.Sender.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        var close = await relayed.Listener.ReceiveAsync(new byte[16], CancellationToken.None).WaitAsync(Deadline);
        Assert.Equal((WebSocketMessageType.Close, WebSocketCloseStatus.NormalClosure), (close.MessageType, relayed.Listener.CloseStatus));
        await relayed.Listener.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await relayed.Pumping.WaitAsync(Deadline);
        Assert.Equal(2, relayed.WritesToListener.Count); // the message and the close, nothing in between
    }

    [Fact]
    public async Task Messages_larger_than_the_buffer_and_small_ones_keep_their_bytes_and_boundaries()
    {
        await using var relayed = Relayed.Start(relayReadLimit: 1000);

        byte[][] messages = [RandomNumberGenerator.GetBytes(300 * 1024), [42], RandomNumberGenerator.GetBytes(5000)];
        // Sent while the listener reads: the pipes hold 64 KiB, so a 300 KiB send waits for the listener to take it.
        var sending = Task.Run(async () =>
        {
            foreach (byte[] message in messages) await relayed.Sender.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        });

        foreach (byte[] message in messages) Assert.Equal(message, await ReceiveMessageAsync(relayed.Listener));
        await sending.WaitAsync(Deadline);
    }

    static async Task<byte[]> ReceiveMessageAsync(WebSocket socket)
    {
        using var received = new MemoryStream();
        byte[] buffer = new byte[256 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Deadline);
            received.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return received.ToArray();
    }

    /// <summary>
    /// A sender's and a listener's WebSocket with the pump between them, over in-memory pipes. The relay reads the sender
    /// at most <c>relayReadLimit</c> bytes at a time (as a socket gives what has arrived) and its writes to the listener
    /// are counted: one per frame.
    /// </summary>
    sealed class Relayed(WebSocket sender, WebSocket listener, Task pumping, List<int> writesToListener, WebSocket[] relaySide) : IAsyncDisposable
    {
        public WebSocket Sender => sender;
        public WebSocket Listener => listener;
        public Task Pumping => pumping;

        public IReadOnlyList<int> WritesToListener
        {
            get { lock (writesToListener) return [.. writesToListener]; }
        }

        public static Relayed Start(int relayReadLimit)
        {
            Pipe toRelay = new(), toSender = new(), toListener = new(), fromListener = new();
            var writes = new List<int>();
            var sender = WebSocket.CreateFromStream(new PipeEnd(toSender.Reader, toRelay.Writer, null, null), isServer: false, subProtocol: null, Timeout.InfiniteTimeSpan);
            var fromSender = WebSocket.CreateFromStream(new PipeEnd(toRelay.Reader, toSender.Writer, relayReadLimit, null), isServer: true, subProtocol: null, Timeout.InfiniteTimeSpan);
            var toListenerSocket = WebSocket.CreateFromStream(new PipeEnd(fromListener.Reader, toListener.Writer, null, writes), isServer: true, subProtocol: null, Timeout.InfiniteTimeSpan);
            var listener = WebSocket.CreateFromStream(new PipeEnd(toListener.Reader, fromListener.Writer, null, null), isServer: false, subProtocol: null, Timeout.InfiniteTimeSpan);
            return new Relayed(sender, listener, WebSocketPump.RunAsync(fromSender, toListenerSocket, CancellationToken.None), writes, [fromSender, toListenerSocket]);
        }

        public ValueTask DisposeAsync()
        {
            foreach (var socket in relaySide.Append(sender).Append(listener)) socket.Abort();
            return ValueTask.CompletedTask;
        }
    }

    sealed class PipeEnd(PipeReader incoming, PipeWriter outgoing, int? readLimit, List<int>? writes) : Stream
    {
        readonly Stream _in = incoming.AsStream();
        readonly Stream _out = outgoing.AsStream();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _in.ReadAsync(readLimit is { } limit && buffer.Length > limit ? buffer[..limit] : buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (writes is not null) lock (writes) writes.Add(buffer.Length);
            return _out.WriteAsync(buffer, cancellationToken);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => _out.FlushAsync(cancellationToken);

        // WebSockets use only the asynchronous Memory overloads above.
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
