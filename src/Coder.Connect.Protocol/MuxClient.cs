using System.Collections.Concurrent;

namespace Coder.Connect.Protocol;

/// <summary>
/// The user's end of one connect-protocol connection (a relayed WebSocket to an agent): opens sessions with ids of its
/// own, routes the agent's frames to them, and fails every open session when the connection ends, so no caller waits on
/// a dead relay. See <see cref="MuxFrameCodec"/> for the wire format.
/// </summary>
public sealed class MuxClient : IAsyncDisposable
{
    /// <summary>How long closing waits for the peer to answer (a WebSocket's closing handshake).</summary>
    static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    readonly Stream _stream;
    readonly MuxFrameWriter _writer;
    readonly ConcurrentDictionary<uint, MuxClientSession> _sessions = new();
    readonly CancellationTokenSource _closing = new();
    readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly Task _reading;
    Task? _streamClosing;
    int _nextId;
    int _opened;

    public MuxClient(Stream stream)
    {
        _stream = stream;
        _writer = new MuxFrameWriter(stream);
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Completes with why the connection ended (the agent or relay closed it, it broke, or it was disposed).</summary>
    public Task<string> Closed => _closed.Task;

    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>Sessions open on this connection, which count against the agent's per-connection cap.</summary>
    public int OpenSessions => _sessions.Count;

    /// <summary>Sessions ever opened on this connection.</summary>
    public int SessionsOpened => Volatile.Read(ref _opened);

    /// <summary>Opens a session; a refusal arrives later as an <c>error</c> frame, through the session's reads and exit code.</summary>
    public async Task<MuxClientSession> OpenAsync(OpenSessionRequest request, CancellationToken cancellationToken)
    {
        if (IsClosed) throw new MuxSessionException($"the connection is closed: {await _closed.Task.ConfigureAwait(false)}", connectionLost: true);
        uint id = (uint)Interlocked.Increment(ref _nextId);
        var session = new MuxClientSession(this, id);
        _sessions[id] = session;
        Interlocked.Increment(ref _opened);
        try
        {
            await SendAsync(MuxFrame.Open(id, request), cancellationToken).ConfigureAwait(false);
            await SendAsync(MuxFrame.Window(id, MuxFrameCodec.OpeningGrant), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            session.Fail(new MuxSessionException($"the connection was lost: {e.Message}", connectionLost: true));
            throw new MuxSessionException($"the connection was lost: {e.Message}", connectionLost: true);
        }

        // The reader may have ended between the check above and the registration; such a session must not wait forever.
        if (IsClosed) session.Fail(new MuxSessionException($"the connection was lost: {await _closed.Task.ConfigureAwait(false)}", connectionLost: true));
        return session;
    }

    internal ValueTask SendAsync(MuxFrame frame, CancellationToken cancellationToken) => SendingAsync(_writer.SendAsync(frame, cancellationToken));

    internal ValueTask SendDataAsync(uint sessionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        SendingAsync(_writer.SendDataAsync(sessionId, MuxChannel.Stdin, data, cancellationToken));

    static async ValueTask SendingAsync(ValueTask sending)
    {
        try
        {
            await sending.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.WebSockets.WebSocketException)
        {
            throw new IOException($"the connection was lost: {e.Message}", e);
        }
    }

    internal void Retire(MuxClientSession session) => _sessions.TryRemove(new KeyValuePair<uint, MuxClientSession>(session.Id, session));

    async Task ReadAsync()
    {
        string reason = "the agent closed the connection";
        try
        {
            while (await MuxFrameCodec.ReadAsync(_stream, _closing.Token).ConfigureAwait(false) is { } frame)
            {
                if (Dispatch(frame) is { } violation)
                {
                    await SendAsync(MuxFrame.Error(frame.SessionId, violation), CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (_closing.IsCancellationRequested)
        {
            // Disposed: the read was cancelled, or failed on the stream closed under it (a WebSocket stream then says it
            // is no longer readable).
            reason = "the connection was closed";
        }
        catch (Exception e) when (e is IOException or MuxProtocolException or ObjectDisposedException or System.Net.WebSockets.WebSocketException or NotSupportedException)
        {
            reason = e.Message;
        }

        _closed.TrySetResult(reason);
        var lost = new MuxSessionException($"the connection was lost: {reason}", connectionLost: true);
        foreach (var session in _sessions.Values) session.Fail(lost);
        // Answer the peer's close now (a WebSocket's closing handshake), not when the owner gets round to disposing:
        // the other end waits for it.
        await CloseStreamAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the stream once, whoever asks first (the reader at the peer's close, or the owner); both wait for it.</summary>
    Task CloseStreamAsync()
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _streamClosing, mine.Task, null) is { } already) return already;
        _ = CloseAsync(mine);
        return mine.Task;

        async Task CloseAsync(TaskCompletionSource done)
        {
            try
            {
                // A WebSocket's close waits for the peer's answer; a peer that never gives it must not hold this side.
                await _stream.DisposeAsync().AsTask().WaitAsync(CloseTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The peer did not answer the closing handshake; the socket goes when the process or the GC ends it.
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                // Already broken; nothing to answer.
            }

            done.TrySetResult();
        }
    }

    /// <returns>A protocol violation on the session to answer with an error frame, or null.</returns>
    string? Dispatch(MuxFrame frame)
    {
        // Frames of a session that is over (or never was) are late, not wrong: the agent may still be finishing it.
        if (!_sessions.TryGetValue(frame.SessionId, out var session)) return null;
        switch (frame.Type)
        {
            case MuxFrameType.Data:
                if (frame.Channel == MuxChannel.Stdin) break; // The agent has no stdin to send; ignore rather than mix it in.
                if (!session.Receive(new MuxOutput(frame.Channel, frame.Bytes)))
                {
                    string violation = $"more than {MuxFrameCodec.ReceiveWindow} bytes in flight without a window";
                    session.Fail(new MuxSessionException($"the agent broke the protocol: {violation}"));
                    return violation;
                }

                break;
            case MuxFrameType.Window:
                session.Grant(frame.Credit);
                break;
            case MuxFrameType.Exit:
                session.Exited(frame.Code);
                break;
            case MuxFrameType.Close:
                session.OutputClosed();
                break;
            case MuxFrameType.Error:
                session.Fail(new MuxSessionException(frame.Message));
                break;
        }

        return null;
    }

    /// <summary>Closes the connection: the agent ends every session it still holds, and so does this side.</summary>
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        await CloseStreamAsync().ConfigureAwait(false); // Also ends a read that does not heed the cancellation.
        await _reading.ConfigureAwait(false);
        _writer.Dispose();
        _closing.Dispose();
    }
}
