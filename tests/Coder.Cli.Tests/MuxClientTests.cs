using System.IO.Pipelines;
using Coder.Connect.Protocol;

namespace Coder.Cli.Tests;

/// <summary>
/// <see cref="MuxClient"/> against a scripted agent over an in-memory stream pair: what it does when the other side
/// misbehaves or vanishes, which the real agent in the other tests never does on purpose.
/// </summary>
public sealed class MuxClientTests : IAsyncDisposable
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    readonly Stream _agent;
    readonly MuxClient _client;

    public MuxClientTests()
    {
        var toAgent = new Pipe();
        var toClient = new Pipe();
        _agent = new DuplexPipeStream(toAgent.Reader.AsStream(), toClient.Writer.AsStream());
        _client = new MuxClient(new DuplexPipeStream(toClient.Reader.AsStream(), toAgent.Writer.AsStream()));
    }

    [Fact]
    public async Task AnAgentSendingPastItsWindow_FailsThatSession_AndIsToldWithAnErrorFrame()
    {
        var session = await _client.OpenAsync(new OpenSessionRequest("exec", ["yes"]), CancellationToken.None);
        var other = await _client.OpenAsync(new OpenSessionRequest("exec", ["true"]), CancellationToken.None);
        foreach (var opened in new[] { session, other })
        {
            var open = await ReadFromClientAsync();
            Assert.Equal((MuxFrameType.Open, opened.Id), (open.Type, open.SessionId));

            // The rest of the client's receive window, granted as it opens the session.
            var grant = await ReadFromClientAsync();
            Assert.Equal((MuxFrameType.Window, opened.Id, MuxFrameCodec.OpeningGrant), (grant.Type, grant.SessionId, grant.Credit));
        }

        // The client reads nothing, so grants nothing more: one chunk more than its receive window breaks the protocol.
        byte[] chunk = new byte[MuxFrameCodec.MaxDataChunk];
        using var writer = new MuxFrameWriter(_agent);
        for (int sent = 0; sent <= MuxFrameCodec.ReceiveWindow; sent += chunk.Length)
            await writer.SendAsync(MuxFrame.Data(session.Id, MuxChannel.Stdout, chunk), CancellationToken.None);

        var error = await ReadFromClientAsync();
        Assert.Equal((MuxFrameType.Error, session.Id), (error.Type, error.SessionId));
        var failure = await Assert.ThrowsAsync<MuxSessionException>(() => session.ExitCode.WaitAsync(Deadline));
        Assert.False(failure.ConnectionLost);
        Assert.Contains("window", failure.Message);

        // The other session on the connection goes on.
        await writer.SendAsync(MuxFrame.Exit(other.Id, 0), CancellationToken.None);
        Assert.Equal(0, await other.ExitCode.WaitAsync(Deadline));
    }

    [Fact]
    public async Task TheConnectionEnding_FailsEveryOpenSession_AndRefusesNewOnes()
    {
        var first = await _client.OpenAsync(new OpenSessionRequest("tcp", Port: 80), CancellationToken.None);
        var second = await _client.OpenAsync(new OpenSessionRequest("pty"), CancellationToken.None);

        await _agent.DisposeAsync();

        foreach (var session in new[] { first, second })
        {
            var lost = await Assert.ThrowsAsync<MuxSessionException>(async () => await session.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Deadline));
            Assert.True(lost.ConnectionLost);
        }

        Assert.Equal(0, _client.OpenSessions);
        var refused = await Assert.ThrowsAsync<MuxSessionException>(() => _client.OpenAsync(new OpenSessionRequest("pty"), CancellationToken.None));
        Assert.True(refused.ConnectionLost);
    }

    [Fact]
    public async Task ATcpSession_HalfClosedByTheAgent_StillTakesInput_AndLeavesTheTableWhenBothSidesClosed()
    {
        var session = await _client.OpenAsync(new OpenSessionRequest("tcp", Port: 80), CancellationToken.None);
        Assert.Equal(MuxFrameType.Open, (await ReadFromClientAsync()).Type);
        Assert.Equal(MuxFrameType.Window, (await ReadFromClientAsync()).Type); // the grant at open
        using var writer = new MuxFrameWriter(_agent);
        await writer.SendAsync(MuxFrame.Data(session.Id, MuxChannel.Stdout, "HTTP/1.0 200 OK\r\n\r\n"u8), CancellationToken.None);
        await writer.SendAsync(MuxFrame.Close(session.Id), CancellationToken.None);

        var chunk = await session.ReadAsync(CancellationToken.None);
        Assert.Equal("HTTP/1.0 200 OK\r\n\r\n"u8.ToArray(), chunk!.Value.Bytes.ToArray());
        Assert.Null(await session.ReadAsync(CancellationToken.None));
        Assert.Equal(1, _client.OpenSessions);

        await session.WriteAsync("late request body"u8.ToArray(), CancellationToken.None);
        await session.CloseInputAsync(CancellationToken.None);

        Assert.Equal(MuxFrameType.Window, (await ReadFromClientAsync()).Type); // for the chunk read above
        var data = await ReadFromClientAsync();
        Assert.Equal((MuxFrameType.Data, "late request body"), (data.Type, System.Text.Encoding.ASCII.GetString(data.Bytes.Span)));
        Assert.Equal(MuxFrameType.Close, (await ReadFromClientAsync()).Type);
        Assert.Equal(0, _client.OpenSessions);
    }

    [Fact]
    public async Task APeerThatNeverAnswersTheClose_HoldsDisposeForTheCloseTimeoutAtMost()
    {
        var toClient = new Pipe();
        var silent = new NeverClosingStream(toClient.Reader.AsStream(), Stream.Null);
        var client = new MuxClient(silent);
        long started = TimeProvider.System.GetTimestamp();

        await client.DisposeAsync().AsTask().WaitAsync(Deadline);

        Assert.True(silent.CloseAsked);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    async Task<MuxFrame> ReadFromClientAsync() =>
        await MuxFrameCodec.ReadAsync(_agent, CancellationToken.None).AsTask().WaitAsync(Deadline) ?? throw new EndOfStreamException("the client closed the stream");

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _agent.DisposeAsync();
    }

    /// <summary>A stream whose close never completes, as a WebSocket whose peer never answers the closing handshake.</summary>
    sealed class NeverClosingStream(Stream reading, Stream writing) : DuplexPipeStream(reading, writing)
    {
        public bool CloseAsked { get; private set; }

        public override ValueTask DisposeAsync()
        {
            CloseAsked = true;
            return new ValueTask(new TaskCompletionSource().Task);
        }
    }

    /// <summary>One end of an in-memory connection: reads one pipe, writes the other; disposing ends both directions.</summary>
    class DuplexPipeStream(Stream reading, Stream writing) : Stream
    {
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => reading.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => reading.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => writing.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => writing.WriteAsync(buffer, cancellationToken);

        public override void Flush() => writing.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => writing.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                writing.Dispose();
                reading.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await writing.DisposeAsync();
            await reading.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
