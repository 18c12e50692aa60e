using System.Net.WebSockets;
using System.Text.Json;
using Coder.Relay.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Relay;

/// <summary>
/// <c>/$hc/{path}</c> with <c>sb-hc-action</c> listen, connect or accept, as the Hybrid Connections protocol defines them
/// (https://learn.microsoft.com/azure/azure-relay/relay-hybrid-connections-protocol). Only the WebSocket half is served;
/// relayed HTTP requests are not.
/// </summary>
public sealed partial class HybridConnectionEndpoint(
    RelayAuthorizer authorizer,
    ListenerRegistry listeners,
    RendezvousTable rendezvous,
    IOptions<RelayOptions> options,
    TimeProvider timeProvider,
    ILogger<HybridConnectionEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        string path = Uri.UnescapeDataString(context.Request.Path.Value![HybridConnectionProtocol.PathPrefix.Length..]).Trim('/');
        string? action = context.Request.Query[HybridConnectionProtocol.ActionParameter].FirstOrDefault();
        if (path.Length == 0 || action is not (HybridConnectionProtocol.ListenAction or HybridConnectionProtocol.ConnectAction or HybridConnectionProtocol.AcceptAction))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (action == HybridConnectionProtocol.AcceptAction)
        {
            await AcceptAsync(context);
            return;
        }

        if (authorizer.Refuse(context.Request, path, action == HybridConnectionProtocol.ListenAction ? RelayRights.Listen : RelayRights.Send) is { } refused)
        {
            LogRefused(logger, action, path, refused);
            context.Response.StatusCode = refused;
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (action == HybridConnectionProtocol.ListenAction) await ListenAsync(context, path);
        else await ConnectAsync(context, path);
    }

    async Task ListenAsync(HttpContext context, string path)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var channel = new ControlChannel(path, socket) { TokenExpiresAt = TokenExpiry(context.Request) };
        if (!listeners.TryAdd(channel))
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "listener limit reached", context.RequestAborted);
            return;
        }

        LogListening(logger, path);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var expiry = CloseWhenTokenExpiresAsync(channel, ended.Token);
        try
        {
            await ReadControlAsync(channel, context.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or JsonException or InvalidDataException)
        {
            LogListenerDropped(logger, path, e.GetType().Name);
        }
        finally
        {
            listeners.Remove(channel);
            await ended.CancelAsync();
            await expiry;
        }
    }

    /// <summary>
    /// A listener stays only as long as its token: unless <c>renewToken</c> moves the expiry on, the channel is closed with
    /// 1008 (policy violation) when it passes, as the service does.
    /// </summary>
    async Task CloseWhenTokenExpiresAsync(ControlChannel channel, CancellationToken cancellationToken)
    {
        try
        {
            for (var remaining = channel.TokenExpiresAt - timeProvider.GetUtcNow(); remaining > TimeSpan.Zero; remaining = channel.TokenExpiresAt - timeProvider.GetUtcNow())
                await Task.Delay(remaining, timeProvider, cancellationToken);

            listeners.Remove(channel);
            LogTokenExpired(logger, channel.Path);
            await channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "token expired", cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The channel ended first.
        }
    }

    static DateTimeOffset TokenExpiry(HttpRequest request) =>
        RelaySasToken.Parse(request.Query[HybridConnectionProtocol.TokenParameter].FirstOrDefault() ?? request.Headers[HybridConnectionProtocol.AuthorizationHeader].FirstOrDefault())!.ExpiresAt;

    /// <summary>Reads the listener's commands; a <c>renewToken</c> whose token does not hold closes the channel.</summary>
    async Task ReadControlAsync(ControlChannel channel, CancellationToken cancellationToken)
    {
        var reader = new ControlChannelReader(channel.Socket);
        while (await reader.ReadAsync(cancellationToken) is { } message)
        {
            if (message.RenewToken is not { } renew) continue;
            if (authorizer.Refuse(renew.Token, channel.Path, RelayRights.Listen) is { } refused)
            {
                LogRefused(logger, "renewToken", channel.Path, refused);
                await channel.CloseAsync(WebSocketCloseStatus.PolicyViolation, "renewed token refused", cancellationToken);
                return;
            }

            channel.TokenExpiresAt = RelaySasToken.Parse(renew.Token)!.ExpiresAt;
        }

        await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken);
    }

    async Task ConnectAsync(HttpContext context, string path)
    {
        var (id, outcome) = rendezvous.Open();
        var accept = new HybridConnectionAccept(
            HybridConnectionProtocol.Address(RelayBase(context.Request), path, HybridConnectionProtocol.AcceptAction, id, token: null).AbsoluteUri,
            id,
            ConnectHeaders(context.Request),
            new RelayRemoteEndpoint(context.Connection.RemoteIpAddress?.ToString() ?? "", context.Connection.RemotePort));

        if (!await OfferAsync(path, accept, context.RequestAborted))
        {
            rendezvous.Abandon(id);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        RendezvousOutcome answer;
        try
        {
            answer = await outcome.WaitAsync(options.Value.PendingConnectTimeout, timeProvider, context.RequestAborted);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            if (rendezvous.Abandon(id) || outcome.IsCanceled)
            {
                LogNoAnswer(logger, path);
                context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
                return;
            }

            answer = await outcome; // the listener answered in the same instant
        }

        if (answer.Listener is not { } listenerSocket)
        {
            context.Response.StatusCode = answer.RejectStatus;
            if (answer.RejectDescription is { } description && context.Features.Get<IHttpResponseFeature>() is { } response)
                response.ReasonPhrase = description;
            return;
        }

        try
        {
            using var senderSocket = await context.WebSockets.AcceptWebSocketAsync();
            await WebSocketPump.RunAsync(senderSocket, listenerSocket, context.RequestAborted);
        }
        finally
        {
            answer.Done!.TrySetResult();
        }
    }

    /// <summary>Sends the accept to the path's listeners in turn until one takes it on its control channel.</summary>
    async Task<bool> OfferAsync(string path, HybridConnectionAccept accept, CancellationToken cancellationToken)
    {
        foreach (var channel in listeners.InTurn(path))
        {
            try
            {
                await channel.SendAcceptAsync(accept, cancellationToken);
                return true;
            }
            catch (WebSocketException)
            {
                listeners.Remove(channel);
            }
        }

        return false;
    }

    /// <summary>The listener's answer at the accept address: a WebSocket to pair, or <c>sb-hc-statusCode</c> to reject.</summary>
    async Task AcceptAsync(HttpContext context)
    {
        if (rendezvous.Take(context.Request.Query[HybridConnectionProtocol.IdParameter].FirstOrDefault()) is not { } pending)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (context.Request.Query[HybridConnectionProtocol.StatusCodeParameter].FirstOrDefault() is { } statusText)
        {
            int status = int.TryParse(statusText, out int parsed) && parsed is >= 400 and <= 599 ? parsed : StatusCodes.Status502BadGateway;
            pending.TrySetResult(new RendezvousOutcome(null, null, status, context.Request.Query[HybridConnectionProtocol.StatusDescriptionParameter].FirstOrDefault()));
            context.Response.StatusCode = HybridConnectionProtocol.RejectedRendezvousStatus;
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            pending.TrySetResult(new RendezvousOutcome(null, null, StatusCodes.Status502BadGateway));
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!pending.TrySetResult(new RendezvousOutcome(socket, done)))
        {
            await socket.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "the sender is gone", context.RequestAborted);
            return;
        }

        // The sender's request pumps both sockets; this request keeps the listener's socket alive until it is done.
        await done.Task;
    }

    static Uri RelayBase(HttpRequest request) => new($"{(request.IsHttps ? "https" : "http")}://{request.Host}");

    /// <summary>
    /// The sender's headers as the doc passes them on (Host, Sec-WebSocket-Protocol and -Extensions included), less the
    /// credentials and the hop's own handshake fields. Cookies are credentials too: a browser whose page is on the relay's
    /// host (the local dashboard, another port) sends the user's session cookie, which must not reach the workspace.
    /// </summary>
    static Dictionary<string, string> ConnectHeaders(HttpRequest request) =>
        request.Headers
            .Where(h => !NotForwarded.Contains(h.Key))
            .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        HybridConnectionProtocol.AuthorizationHeader, "Authorization", "Cookie", "Connection", "Upgrade", "Sec-WebSocket-Key",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Listener online for {Path}")]
    static partial void LogListening(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listener for {Path} dropped ({Reason})")]
    static partial void LogListenerDropped(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Action} on {Path} with {Status}")]
    static partial void LogRefused(ILogger logger, string action, string path, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listener token for {Path} expired; control channel closed")]
    static partial void LogTokenExpired(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No listener of {Path} answered a sender in time")]
    static partial void LogNoAnswer(ILogger logger, string path);
}
