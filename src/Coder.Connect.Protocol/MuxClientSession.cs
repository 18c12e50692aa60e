using System.Threading.Channels;

namespace Coder.Connect.Protocol;

/// <summary>
/// The user's end of one session on a <see cref="MuxClient"/>: input goes out within the window the agent grants, output
/// comes in through <see cref="ReadAsync"/>, which grants the window for a chunk once the caller comes back for the next
/// (so a slow local terminal or socket holds back only its own session).
/// </summary>
public sealed class MuxClientSession : IDisposable
{
    readonly MuxClient _owner;
    readonly Channel<MuxOutput> _output = Channel.CreateUnbounded<MuxOutput>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    readonly CreditWindow _sendWindow = new(MuxFrameCodec.InitialWindow);
    readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly CancellationTokenSource _over = new();
    MuxSessionException? _failure;
    int _unconsumed;
    int _owed;
    int _inputClosed;

    internal MuxClientSession(MuxClient owner, uint id)
    {
        _owner = owner;
        Id = id;
    }

    public uint Id { get; }

    /// <summary>The remote command's exit code; fails with <see cref="MuxSessionException"/> when the session ends without one.</summary>
    public Task<int> ExitCode => _exit.Task;

    /// <summary>Completes when the agent has closed its side: a close or error frame, or the connection lost.</summary>
    public Task OutputEnded => _outputEnded.Task;

    /// <summary>
    /// The next chunk of output; null once the agent closed its side. Throws <see cref="MuxSessionException"/> when the
    /// agent refused or failed the session, or the connection was lost.
    /// </summary>
    public async ValueTask<MuxOutput?> ReadAsync(CancellationToken cancellationToken)
    {
        await GrantConsumedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await _output.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        }
        catch (ChannelClosedException e) when (e.InnerException is MuxSessionException failure)
        {
            throw new MuxSessionException(failure.Message, failure.ConnectionLost);
        }

        var chunk = await _output.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        _owed = chunk.Bytes.Length;
        return chunk;
    }

    /// <summary>Copies the session's output to <paramref name="stdout"/> and <paramref name="stderr"/> until the agent closes it.</summary>
    public async Task CopyOutputAsync(Stream stdout, Stream stderr, CancellationToken cancellationToken)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } chunk)
        {
            var target = chunk.Channel == MuxChannel.Stderr ? stderr : stdout;
            await target.WriteAsync(chunk.Bytes, cancellationToken).ConfigureAwait(false);
            await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends <paramref name="data"/> as stdin, in chunks, waiting for window while the agent has not consumed enough.
    /// Input to a session that is over is dropped (as input to an exited process); a failed session throws.
    /// </summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _over.Token);
        while (!data.IsEmpty)
        {
            int credit;
            try
            {
                credit = await _sendWindow.TakeAsync(Math.Min(data.Length, MuxFrameCodec.MaxDataChunk), either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_over.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                if (_failure is { } failure) throw new MuxSessionException(failure.Message, failure.ConnectionLost);
                return;
            }

            await _owner.SendDataAsync(Id, data[..credit], cancellationToken).ConfigureAwait(false);
            data = data[credit..];
        }
    }

    /// <summary>Copies <paramref name="input"/> to the session as stdin until its end, then sends <c>close</c> (EOF).</summary>
    public async Task CopyInputAsync(Stream input, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MuxFrameCodec.MaxDataChunk];
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            if (_over.IsCancellationRequested) return;
        }

        await CloseInputAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <c>close</c>: no more input (stdin EOF, or a TCP half-close). Sent at most once.</summary>
    public async ValueTask CloseInputAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _inputClosed, 1) != 0) return;
        if (!_over.IsCancellationRequested) await _owner.SendAsync(MuxFrame.Close(Id), cancellationToken).ConfigureAwait(false);
        RetireWhenDone();
    }

    public ValueTask ResizeAsync(ushort cols, ushort rows, CancellationToken cancellationToken) =>
        _over.IsCancellationRequested ? ValueTask.CompletedTask : _owner.SendAsync(MuxFrame.Resize(Id, cols, rows), cancellationToken);

    /// <summary>Sends a POSIX signal (e.g. 2, SIGINT) to the session's process group.</summary>
    public ValueTask SignalAsync(byte signal, CancellationToken cancellationToken) =>
        _over.IsCancellationRequested ? ValueTask.CompletedTask : _owner.SendAsync(MuxFrame.Signal(Id, signal), cancellationToken);

    /// <summary>Ends the session from this side (an <c>error</c> frame): the agent kills its process or closes its socket.</summary>
    public async ValueTask AbortAsync(string reason, CancellationToken cancellationToken)
    {
        bool wasOver = _over.IsCancellationRequested;
        Fail(new MuxSessionException(reason));
        if (!wasOver && !_owner.IsClosed)
        {
            try
            {
                await _owner.SendAsync(MuxFrame.Error(Id, reason), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The connection is gone; so is the agent's side of the session.
            }
        }
    }

    public void Dispose() => _over.Dispose();

    async ValueTask GrantConsumedAsync(CancellationToken cancellationToken)
    {
        int owed = _owed;
        if (owed == 0) return;
        _owed = 0;
        Interlocked.Add(ref _unconsumed, -owed);
        if (!_over.IsCancellationRequested && !_owner.IsClosed) await _owner.SendAsync(MuxFrame.Window(Id, owed), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Leaves the connection's table once neither side will send more, so it stops counting against the session cap.</summary>
    void RetireWhenDone()
    {
        if (_over.IsCancellationRequested || (_outputEnded.Task.IsCompleted && Volatile.Read(ref _inputClosed) == 1)) _owner.Retire(this);
    }

    /// <returns>False when the agent sent more than the window it was granted (with the grant at open, <see cref="MuxFrameCodec.ReceiveWindow"/>).</returns>
    internal bool Receive(MuxOutput chunk)
    {
        if (Interlocked.Add(ref _unconsumed, chunk.Bytes.Length) > MuxFrameCodec.ReceiveWindow) return false;
        return _output.Writer.TryWrite(chunk);
    }

    internal void Grant(int bytes) => _sendWindow.Grant(bytes);

    internal void Exited(int code) => _exit.TrySetResult(code);

    /// <summary>
    /// The agent closed its side. After an exit code (exec, pty) the session is over and later input is dropped; without
    /// one (tcp, ssh) it is a half-close and input still flows until this side closes too.
    /// </summary>
    internal void OutputClosed()
    {
        _output.Writer.TryComplete();
        _outputEnded.TrySetResult();
        if (_exit.Task.IsCompletedSuccessfully) Over();
        else _exit.TrySetException(new MuxSessionException("the session closed without an exit code"));
        RetireWhenDone();
    }

    internal void Fail(MuxSessionException failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        _output.Writer.TryComplete(failure);
        _exit.TrySetException(failure);
        _outputEnded.TrySetResult();
        Over();
        _owner.Retire(this);
    }

    void Over()
    {
        try
        {
            _over.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed by its user already.
        }
    }
}
