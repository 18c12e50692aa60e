using System.Collections.Concurrent;
using System.Text;
using Coder.Agent.Connect;
using Coder.Connect.Protocol;

namespace Coder.Agent.Tests.Connect;

/// <summary>The user's end of a connect-protocol connection, as the CLI will speak it: it grants window as it reads.</summary>
sealed class MuxTestClient : IAsyncDisposable
{
    readonly Stream _stream;
    readonly MuxFrameWriter _writer;
    readonly ConcurrentDictionary<uint, ClientSession> _sessions = new();
    readonly Task _reading;

    public MuxTestClient(Stream stream)
    {
        _stream = stream;
        _writer = new MuxFrameWriter(stream);
        _reading = Task.Run(ReadAsync);
    }

    public ClientSession Session(uint id) => _sessions.GetOrAdd(id, static i => new ClientSession(i));

    public async Task<ClientSession> OpenAsync(uint id, OpenSessionRequest request)
    {
        var session = Session(id);
        await _writer.SendAsync(MuxFrame.Open(id, request), CancellationToken.None);
        return session;
    }

    public ValueTask SendAsync(MuxFrame frame) => _writer.SendAsync(frame, CancellationToken.None);

    /// <summary>Grants the window a withholding session owes (see <see cref="ClientSession.Withhold"/>) and grants as it reads again.</summary>
    public ValueTask ReleaseAsync(uint id) => SendAsync(MuxFrame.Window(id, Session(id).Release()));

    public ValueTask TypeAsync(uint id, string text) => SendAsync(MuxFrame.Data(id, MuxChannel.Stdin, Encoding.UTF8.GetBytes(text)));

    async Task ReadAsync()
    {
        while (await MuxFrameCodec.ReadAsync(_stream, CancellationToken.None) is { } frame)
        {
            var session = Session(frame.SessionId);
            switch (frame.Type)
            {
                case MuxFrameType.Data:
                    if (session.Append(frame.Channel, frame.Bytes.Span) is var credit and > 0)
                        await _writer.SendAsync(MuxFrame.Window(frame.SessionId, credit), CancellationToken.None);
                    break;
                case MuxFrameType.Window:
                    session.Granted(frame.Credit);
                    break;
                case MuxFrameType.Exit:
                    session.ExitCode.TrySetResult(frame.Code);
                    break;
                case MuxFrameType.Close:
                    session.Closed.TrySetResult();
                    break;
                case MuxFrameType.Error:
                    session.Error.TrySetResult(frame.Message);
                    break;
            }
        }
    }

    /// <summary>The reader of the agent's frames; it ends when the agent's side of the stream ends.</summary>
    public async Task ReadingEndedAsync(TimeSpan timeout)
    {
        try
        {
            await _reading.WaitAsync(timeout);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The test ended the connection under the reader.
        }
    }

    /// <summary>Ends the client's side of the stream (the agent reads its end); <see cref="ReadingEndedAsync"/> waits for the rest.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _writer.Dispose();
    }

    public sealed class ClientSession(uint id)
    {
        readonly Lock _gate = new();
        readonly MemoryStream _stdout = new();
        readonly MemoryStream _stderr = new();

        public uint Id => id;
        public TaskCompletionSource<int> ExitCode { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<string> Error { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Stdout
        {
            get { lock (_gate) return Encoding.UTF8.GetString(_stdout.ToArray()); }
        }

        public string Stderr
        {
            get { lock (_gate) return Encoding.UTF8.GetString(_stderr.ToArray()); }
        }

        bool _withholding;
        int _owed;
        int _granted;

        /// <summary>The window the agent has granted for this session's input, beyond the protocol's initial one.</summary>
        public int Grants
        {
            get { lock (_gate) return _granted; }
        }

        public void Granted(int credit)
        {
            lock (_gate) _granted += credit;
        }

        /// <summary>Also hands each stdout chunk here, in order, for a session used as a byte stream (ssh, tcp).</summary>
        public Action<byte[]>? OnStdout { get; set; }

        public int StdoutLength
        {
            get { lock (_gate) return (int)_stdout.Length; }
        }

        /// <summary>Reads but grants no window, as a user whose terminal has stopped reading.</summary>
        public void Withhold()
        {
            lock (_gate) _withholding = true;
        }

        public int Release()
        {
            lock (_gate)
            {
                _withholding = false;
                int owed = _owed;
                _owed = 0;
                return owed;
            }
        }

        /// <returns>The window to grant now.</returns>
        public int Append(MuxChannel channel, ReadOnlySpan<byte> bytes)
        {
            lock (_gate)
            {
                (channel == MuxChannel.Stderr ? _stderr : _stdout).Write(bytes);
                if (channel == MuxChannel.Stdout) OnStdout?.Invoke(bytes.ToArray());
                if (!_withholding) return bytes.Length;
                _owed += bytes.Length;
                return 0;
            }
        }
    }
}
