using System.Collections.Concurrent;
using Coder.Agent.Connect;
using Coder.Agent.Outbox;
using Coder.Agent.Sessions;
using Coder.Relay.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Cli.Tests.Infrastructure;

/// <summary>
/// The agent's end of one workspace replica, in the test: a relay listener on <c>ws-{id}-{replica}</c> that serves each
/// accepted connection with the agent's real <see cref="MuxConnection"/> (or refuses every sender with a status).
/// </summary>
public sealed class AgentEndpoint : IAsyncDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("coder-cli-agent-").FullName;
    readonly EventOutbox _outbox;
    readonly HybridConnectionListener _listener;
    readonly ConcurrentBag<Stream> _streams = [];
    readonly ConcurrentQueue<string?> _sessionHeaders = new();
    readonly List<Task> _serving = [];
    Task? _accepting;

    public AgentEndpoint(Uri relay, string workspaceId, RelayKeys keys, int? rejectWith = null)
    {
        Home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        _outbox = EventOutbox.Open(Path.Combine(_root, "state"), workspaceId, "agent", 10_000, TimeProvider.System, NullLogger.Instance);
        Tracker = new SessionTracker(_outbox, TimeProvider.System);
        var options = new HybridConnectionListenerOptions
        {
            AcceptHandler = (accept, _) =>
            {
                _sessionHeaders.Enqueue(accept.ConnectHeaders?.FirstOrDefault(h => h.Key.Equals("X-Coder-Session", StringComparison.OrdinalIgnoreCase)).Value);
                return ValueTask.FromResult(rejectWith is { } status ? new HybridConnectionRejection(status, "too many connections") : null);
            },
        };
        _listener = new HybridConnectionListener(relay, $"ws-{workspaceId}-0", keys.Listen(), options);
    }

    public string Home { get; }

    public SessionTracker Tracker { get; }

    /// <summary>The <c>X-Coder-Session</c> header of every sender so far, in order.</summary>
    public IReadOnlyList<string?> SessionHeaders => [.. _sessionHeaders];

    public async Task StartAsync()
    {
        await _listener.OpenAsync(CancellationToken.None);
        _accepting = AcceptAsync();
    }

    async Task AcceptAsync()
    {
        while (await _listener.AcceptConnectionAsync(CancellationToken.None) is { } stream)
        {
            _streams.Add(stream);
            var connection = new MuxConnection(stream, new MuxOptions { WorkspaceDirectory = Home }, Tracker, NullLogger.Instance);
            lock (_serving) _serving.Add(Task.Run(async () =>
            {
                // As the agent does: the connection's stream is closed when the user's side ended it.
                await using (stream) await connection.RunAsync(CancellationToken.None);
            }));
        }
    }

    /// <summary>Drops every relayed connection at once, as a relay or network failure would.</summary>
    public async Task DropConnectionsAsync()
    {
        foreach (var stream in _streams) await stream.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        if (_accepting is not null) await _accepting;
        await DropConnectionsAsync();
        Task[] serving;
        lock (_serving) serving = [.. _serving];
        try
        {
            await Task.WhenAll(serving).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException or System.Net.WebSockets.WebSocketException or NotSupportedException or TimeoutException)
        {
            // A connection dropped under its reader (a closed WebSocket stream is "not readable": NotSupportedException);
            // the sessions it held are ended either way.
        }

        _outbox.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
