using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Relay.Protocol;

/// <summary>
/// The listener role: holds the _control channel (<c>sb-hc-action=listen</c>), answers each <c>accept</c> by opening the
/// rendezvous WebSocket at its address, and hands the senders out as streams. A dropped _control channel is reopened with
/// exponential backoff until the listener is disposed; rendezvous already open are not affected.
/// </summary>
public sealed partial class HybridConnectionListener : IAsyncDisposable
{
    /// <summary>A token source that keeps handing out expired tokens must not make the listener spin.</summary>
    static readonly TimeSpan MinRenewInterval = TimeSpan.FromMilliseconds(100);

    readonly Uri _relay;
    readonly string _path;
    readonly RelayTokenProvider _tokenProvider;
    readonly HybridConnectionListenerOptions _options;
    readonly TimeProvider _timeProvider;
    readonly ILogger _logger;
    readonly string _listenerId = Guid.NewGuid().ToString("N");
    readonly Channel<Stream> _accepted = Channel.CreateUnbounded<Stream>();
    readonly CancellationTokenSource _stopping = new();
    readonly SemaphoreSlim _sendLock = new(1, 1);
    ClientWebSocket? _control;
    Task? _loop;
    int _controlChannelsOpened;
    int _tokensRenewed;
    long _tokenExpiresAtUnixSeconds;

    public HybridConnectionListener(Uri relay, string path, RelayTokenProvider tokenProvider, HybridConnectionListenerOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _relay = relay;
        _path = path;
        _tokenProvider = tokenProvider;
        _options = options ?? new HybridConnectionListenerOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>True while the _control channel is open.</summary>
    public bool IsOnline => _control?.State == WebSocketState.Open;

    /// <summary>How many times a _control channel was opened (1 after <see cref="OpenAsync"/>, +1 per reconnect).</summary>
    public int ControlChannelsOpened => Volatile.Read(ref _controlChannelsOpened);

    /// <summary>How many <c>renewToken</c> commands were sent, by <see cref="RenewTokenAsync"/> or before expiry.</summary>
    public int TokensRenewed => Volatile.Read(ref _tokensRenewed);

    /// <summary>Opens the _control channel (failing with the _relay's status if it refuses) and keeps it open from then on.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_loop is not null) throw new InvalidOperationException("The listener is already open.");
        var first = await ConnectControlAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(first, _stopping.Token), CancellationToken.None);
    }

    /// <summary>The next _accepted sender's stream; null once the listener is disposed.</summary>
    public async Task<Stream?> AcceptConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Sends <c>renewToken</c> with a fresh token so the service keeps the listener past the old token's expiry.</summary>
    public async Task RenewTokenAsync(CancellationToken cancellationToken)
    {
        string token = await _tokenProvider(HybridConnectionProtocol.Resource(_relay, _path), cancellationToken).ConfigureAwait(false);
        var socket = _control ?? throw new InvalidOperationException("The listener is not open.");
        byte[] message = JsonSerializer.SerializeToUtf8Bytes(new ControlChannelMessage(RenewToken: new RenewTokenCommand(token)), RelayJsonContext.Default.ControlChannelMessage);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }

        NoteTokenExpiry(token);
        Interlocked.Increment(ref _tokensRenewed);
    }

    void NoteTokenExpiry(string token) =>
        Volatile.Write(ref _tokenExpiresAtUnixSeconds, RelaySasToken.Parse(token)?.ExpiresAtUnixSeconds ?? 0);

    /// <summary>
    /// Renews halfway through what remains of the token's life, so the service never closes the channel for an expired
    /// token. Tokens that are not shared access signatures carry no expiry here and are not renewed.
    /// </summary>
    async Task RenewBeforeExpiryAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (Volatile.Read(ref _tokenExpiresAtUnixSeconds) is var expiry and > 0)
            {
                var remaining = DateTimeOffset.FromUnixTimeSeconds(expiry) - _timeProvider.GetUtcNow();
                await Task.Delay(TimeSpan.FromTicks(Math.Max(remaining.Ticks / 2, MinRenewInterval.Ticks)), _timeProvider, cancellationToken).ConfigureAwait(false);
                await RenewTokenAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or HybridConnectionException or HttpRequestException)
        {
            // The channel ended (its loop reconnects with a fresh token) or the token source failed; the service closes
            // the channel at expiry and the reconnect takes over.
        }
    }

    async Task<ClientWebSocket> ConnectControlAsync(CancellationToken cancellationToken)
    {
        string token = await _tokenProvider(HybridConnectionProtocol.Resource(_relay, _path), cancellationToken).ConfigureAwait(false);
        var address = HybridConnectionProtocol.Address(_relay, _path, HybridConnectionProtocol.ListenAction, _listenerId, token);
        var socket = await RelayWebSockets.ConnectAsync(address, _options.KeepAliveInterval, headers: null, cancellationToken).ConfigureAwait(false);
        _control = socket;
        NoteTokenExpiry(token);
        Interlocked.Increment(ref _controlChannelsOpened);
        LogOnline(_logger, _path);
        _options.OnlineChanged?.Invoke(true);
        return socket;
    }

    async Task RunAsync(ClientWebSocket first, CancellationToken cancellationToken)
    {
        ClientWebSocket? socket = first;
        var delay = _options.InitialReconnectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (socket is null)
            {
                try
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                    socket = await ConnectControlAsync(cancellationToken).ConfigureAwait(false);
                    delay = _options.InitialReconnectDelay;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // Whatever failed (the relay, the network or the token source), the listener keeps trying.
                    LogReconnectFailed(_logger, _path, delay.TotalMilliseconds, e.Message);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                    continue;
                }
            }

            using var channelEnded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var renewing = _options.RenewTokenBeforeExpiry ? RenewBeforeExpiryAsync(channelEnded.Token) : Task.CompletedTask;
            try
            {
                await ReceiveControlAsync(socket, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is WebSocketException or JsonException or InvalidDataException)
            {
                LogControlDropped(_logger, _path, e.Message);
            }
            finally
            {
                await channelEnded.CancelAsync().ConfigureAwait(false);
                await renewing.ConfigureAwait(false);
                socket.Dispose();
                socket = null;
                _options.OnlineChanged?.Invoke(false);
            }
        }

        _accepted.Writer.TryComplete();
    }

    async Task ReceiveControlAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var reader = new ControlChannelReader(socket);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            if (message.Accept is { } accept) _ = Task.Run(() => AnswerAsync(accept, cancellationToken), CancellationToken.None);
        }

        LogControlDropped(_logger, _path, socket.CloseStatusDescription ?? "closed by the relay");
    }

    async Task AnswerAsync(HybridConnectionAccept accept, CancellationToken cancellationToken)
    {
        bool admitted = false;
        try
        {
            var rejection = _options.AcceptHandler is { } handler ? await handler(accept, cancellationToken).ConfigureAwait(false) : null;
            if (rejection is not null)
            {
                await RejectAsync(accept, rejection, cancellationToken).ConfigureAwait(false);
                return;
            }

            admitted = true;
            var socket = await RelayWebSockets.ConnectAsync(new Uri(accept.Address), _options.KeepAliveInterval, headers: null, cancellationToken).ConfigureAwait(false);
            var stream = RelayWebSockets.AsStream(socket);
            if (!_accepted.Writer.TryWrite(stream))
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                _options.RendezvousFailed?.Invoke(accept);
            }
        }
        catch (Exception e) when (e is WebSocketException or HybridConnectionException or HttpRequestException or OperationCanceledException)
        {
            // The sender gave up or the _relay expired the rendezvous; that sender's connect fails, the listener goes on.
            LogAcceptFailed(_logger, _path, e.Message);
            if (admitted) _options.RendezvousFailed?.Invoke(accept);
        }
    }

    static async Task RejectAsync(HybridConnectionAccept accept, HybridConnectionRejection rejection, CancellationToken cancellationToken)
    {
        var address = new Uri($"{accept.Address}&{HybridConnectionProtocol.StatusCodeParameter}={rejection.StatusCode}&{HybridConnectionProtocol.StatusDescriptionParameter}={Uri.EscapeDataString(rejection.Description)}");
        try
        {
            using var socket = await RelayWebSockets.ConnectAsync(address, Timeout.InfiniteTimeSpan, headers: null, cancellationToken).ConfigureAwait(false);
        }
        catch (HybridConnectionException e) when (e.StatusCode == HybridConnectionProtocol.RejectedRendezvousStatus)
        {
            // A rejection's handshake fails by design with 410.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _control?.Dispose();
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out var stream)) await stream.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _sendLock.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Relay listener for {Path} is online")]
    static partial void LogOnline(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay _control channel for {Path} dropped: {Reason}")]
    static partial void LogControlDropped(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay listener for {Path} could not reconnect; retrying in {DelayMs} ms: {Reason}")]
    static partial void LogReconnectFailed(ILogger logger, string path, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay listener for {Path} could not accept a sender: {Reason}")]
    static partial void LogAcceptFailed(ILogger logger, string path, string reason);
}
