using Coder.Agent.Diagnostics;
using Coder.Agent.Runtime;
using Coder.Agent.Sessions;
using Coder.Contracts.Agents;
using Coder.Relay.Protocol;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Connect;

/// <summary>
/// Listens on the relay at the replica's path and serves each accepted sender as a <see cref="MuxConnection"/>, up to
/// <c>maxConnections</c> at once (one more is rejected with 429 before its rendezvous). The listener keeps its control
/// channel up through relay drops and refused tokens with backoff; every change of listening state is reported as a
/// <c>session</c> event together with sshd availability.
/// </summary>
public sealed class RelayConnectServer(
    Uri relay,
    string path,
    int maxConnections,
    MuxOptions mux,
    RelayTokenProvider tokens,
    SessionTracker tracker,
    TimeProvider time,
    ILogger logger,
    HybridConnectionListenerOptions? listenerOptions = null)
{
    public const string SessionHeader = "X-Coder-Session";
    static readonly TimeSpan ReopenInitialDelay = TimeSpan.FromMilliseconds(200);
    static readonly TimeSpan ReopenMaxDelay = TimeSpan.FromSeconds(5);
    readonly Lock _gate = new();
    int _connections;
    bool? _reported;

    /// <summary>Relayed connections open now (admitted senders, including those still joining).</summary>
    public int ActiveConnections => Volatile.Read(ref _connections);

    /// <summary>True while the listener's control channel is open.</summary>
    public bool IsListening { get; private set; }

    public static string Refusal(int limit) => $"too many connections (limit {limit})";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = listenerOptions ?? new HybridConnectionListenerOptions();
        options.AcceptHandler = Admit;
        options.OnlineChanged = Report;
        options.RendezvousFailed = _ => Interlocked.Decrement(ref _connections);
        Report(false);
        var listener = new HybridConnectionListener(relay, path, tokens, options, time, logger);
        var serving = new List<Task>();
        try
        {
            await OpenAsync(listener, cancellationToken);
            while (await listener.AcceptConnectionAsync(cancellationToken) is { } stream)
            {
                serving.RemoveAll(t => t.IsCompleted);
                serving.Add(ServeAsync(stream, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The agent is stopping.
        }
        finally
        {
            await listener.DisposeAsync();
            await Task.WhenAll(serving);
            Report(false);
        }
    }

    /// <summary>The first open fails while the relay is down or the control plane refuses a token; it is retried until it holds.</summary>
    async Task OpenAsync(HybridConnectionListener listener, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(ReopenInitialDelay, ReopenMaxDelay);
        while (true)
        {
            try
            {
                await listener.OpenAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                Log.RelayOpenFailed(logger, path, delay.TotalMilliseconds, e.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    ValueTask<HybridConnectionRejection?> Admit(HybridConnectionAccept accept, CancellationToken cancellationToken)
    {
        int active = Interlocked.Increment(ref _connections);
        if (active > maxConnections)
        {
            Interlocked.Decrement(ref _connections);
            Log.RelayConnectionRefused(logger, active - 1, maxConnections);
            return ValueTask.FromResult<HybridConnectionRejection?>(new HybridConnectionRejection(429, Refusal(maxConnections)));
        }

        string session = accept.ConnectHeaders?.FirstOrDefault(h => h.Key.Equals(SessionHeader, StringComparison.OrdinalIgnoreCase)).Value ?? "-";
        Log.RelayConnectionAccepted(logger, accept.Id, session, accept.RemoteEndpoint?.ToString() ?? "-");
        return ValueTask.FromResult<HybridConnectionRejection?>(null);
    }

    async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await using (stream)
            {
                await new MuxConnection(stream, mux, tracker, logger).RunAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or System.Net.WebSockets.WebSocketException or NotSupportedException)
        {
            // The sender or the relay went away (a WebSocket stream closed under its reader says it cannot be read: not
            // supported); the connection's sessions are already ended.
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    void Report(bool listening)
    {
        lock (_gate)
        {
            IsListening = listening;
            if (_reported == listening) return;
            _reported = listening;
            string? sshd = mux.Ssh?.Executable;
            Log.RelayStatus(logger, path, listening, sshd);
            tracker.ReportConnect(new AgentConnectStatus(listening, sshd, sshd is null ? SshServer.NotInstalled : null, Environment.UserName));
        }
    }
}
