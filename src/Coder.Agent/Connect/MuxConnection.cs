using Coder.Connect.Protocol;
using System.Collections.Concurrent;
using System.Text.Json;
using Coder.Agent.Diagnostics;
using Coder.Agent.Sessions;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Connect;

/// <summary>
/// The agent's side of one user connection: reads frames (see <see cref="MuxFrameCodec"/>), opens pty, exec, tcp and ssh
/// sessions up to a per-connection cap, routes input, resizes and signals to them, and reports each open session to the
/// <see cref="SessionTracker"/> so <c>session status</c> and idle auto-stop count it.
/// </summary>
public sealed class MuxConnection(Stream stream, MuxOptions options, SessionTracker tracker, ILogger logger)
{
    readonly ConcurrentDictionary<uint, MuxSession> _sessions = new();
    readonly ConcurrentDictionary<uint, Task> _running = new();
    readonly string _connectionId = Guid.NewGuid().ToString("n")[..12];

    /// <summary>Serves the connection until the peer ends the stream; then ends every session it still holds.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var writer = new MuxFrameWriter(stream);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (await MuxFrameCodec.ReadAsync(stream, stop.Token) is { } frame)
            {
                await DispatchAsync(frame, writer, stop.Token);
            }
        }
        catch (Exception e) when (e is MuxProtocolException or IOException)
        {
            Log.ConnectBroken(logger, _connectionId, e.Message);
        }
        finally
        {
            foreach (var session in _sessions.Values) session.Abort();
            await stop.CancelAsync();
            await Task.WhenAll(_running.Values);
        }
    }

    async ValueTask DispatchAsync(MuxFrame frame, MuxFrameWriter writer, CancellationToken cancellationToken)
    {
        if (frame.Type == MuxFrameType.Open)
        {
            if (Open(frame, writer, cancellationToken) is { } refusal)
            {
                Log.ConnectSessionRefused(logger, _connectionId, frame.SessionId, refusal);
                await writer.SendAsync(MuxFrame.Error(frame.SessionId, refusal), cancellationToken);
            }
            else
            {
                // The session's input window beyond the protocol's initial one (see MuxFrameCodec.ReceiveWindow).
                await writer.SendAsync(MuxFrame.Window(frame.SessionId, MuxFrameCodec.OpeningGrant), cancellationToken);
            }

            return;
        }

        if (!_sessions.TryGetValue(frame.SessionId, out var session)) return; // Late frames of a session that just ended.
        switch (frame.Type)
        {
            case MuxFrameType.Data when frame.Channel == MuxChannel.Stdin:
                tracker.Activity();
                if (!session.Receive(frame.Bytes))
                {
                    _sessions.TryRemove(session.Id, out _); // One error frame; the rest of its flood is ignored.
                    await writer.SendAsync(MuxFrame.Error(session.Id, $"more than {MuxFrameCodec.ReceiveWindow} bytes in flight without a window"), cancellationToken);
                    session.Abort();
                }

                break;
            case MuxFrameType.Resize:
                var (cols, rows) = frame.Size;
                session.Resize(cols, rows);
                break;
            case MuxFrameType.Signal:
                session.Signal(frame.Payload.Span[0]);
                break;
            case MuxFrameType.Window:
                session.Grant(frame.Credit);
                break;
            case MuxFrameType.Close:
                session.EndInput();
                break;
            case MuxFrameType.Error:
                session.Abort();
                break;
        }
    }

    /// <returns>Why the session was refused, or null when it started.</returns>
    string? Open(MuxFrame frame, MuxFrameWriter writer, CancellationToken cancellationToken)
    {
        if (_sessions.ContainsKey(frame.SessionId)) return $"session {frame.SessionId} is already open on this connection";
        if (_sessions.Count >= options.MaxSessionsPerConnection)
            return $"session limit reached: at most {options.MaxSessionsPerConnection} concurrent sessions per connection";
        OpenSessionRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(frame.Payload.Span, ConnectJsonContext.Default.OpenSessionRequest);
        }
        catch (JsonException e)
        {
            return $"the open frame is not an OpenSessionRequest: {e.Message}";
        }

        if (request is null) return "the open frame is empty";
        MuxSession? session = request.Kind switch
        {
            "pty" => new PtySession(frame.SessionId, writer, request.Command, request.Cols ?? 80, request.Rows ?? 24, options.WorkspaceDirectory, options.Environment),
            "exec" when request.Command is { Count: > 0 } command => new ExecSession(frame.SessionId, writer, command, options.WorkspaceDirectory, options.Environment),
            "tcp" when request.Port is >= 1 and <= 65535 => new TcpSession(frame.SessionId, writer, request.Port.Value),
            "ssh" when options.Ssh is { Executable: not null } ssh => new SshSession(frame.SessionId, writer, ssh, options.WorkspaceDirectory, options.Environment, logger),
            _ => null,
        };
        if (session is null)
        {
            return request.Kind switch
            {
                "exec" => "command: an exec session needs a command",
                "tcp" => "port: a tcp session needs a port between 1 and 65535",
                "ssh" => SshServer.NotInstalled,
                _ => $"kind: '{request.Kind}' is not a session kind; expected pty, exec, tcp or ssh",
            };
        }

        _sessions[frame.SessionId] = session;
        _running[frame.SessionId] = RunSessionAsync(session, request.Kind, writer, cancellationToken);
        return null;
    }

    async Task RunSessionAsync(MuxSession session, string kind, MuxFrameWriter writer, CancellationToken cancellationToken)
    {
        await Task.Yield();
        string trackedId = $"connect-{_connectionId}-{session.Id}";
        tracker.Open(trackedId, kind);
        Log.ConnectSessionOpened(logger, _connectionId, session.Id, kind);
        try
        {
            await session.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            session.Abort(); // The connection ended.
        }
        catch (Exception e)
        {
            Log.ConnectSessionFailed(logger, _connectionId, session.Id, e.Message);
            session.Abort();
            try
            {
                await writer.SendAsync(MuxFrame.Error(session.Id, e.Message), CancellationToken.None);
            }
            catch (Exception send) when (send is IOException or ObjectDisposedException)
            {
                // The connection is gone too.
            }
        }
        finally
        {
            _sessions.TryRemove(session.Id, out _);
            _running.TryRemove(session.Id, out _);
            tracker.Close(trackedId);
            Log.ConnectSessionClosed(logger, _connectionId, session.Id);
        }
    }
}
