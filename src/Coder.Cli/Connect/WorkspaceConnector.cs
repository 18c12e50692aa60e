using System.Text.Json.Nodes;
using Coder.Cli.Http;
using Coder.Connect.Protocol;
using Coder.Relay.Protocol;

namespace Coder.Cli.Connect;

/// <summary>
/// Opens relay connections to one replica of one workspace: asks the control plane for a connect ticket (reusing it
/// while its token has life left, since the token only opens the WebSocket), connects as the Hybrid Connections sender
/// with <c>X-Coder-Session</c>, and turns the relay's refusals into one-line errors.
/// </summary>
public sealed class WorkspaceConnector(CoderClient client, string workspaceName, string workspaceId, int replica, TimeProvider time)
{
    public const string SessionHeader = "X-Coder-Session";

    /// <summary>The per-replica cap on relayed connections an agent enforces by default, for a control plane whose answer does not name it.</summary>
    public const int DefaultMaxConnections = 16;

    /// <summary>A ticket this close to expiry is not used for a new WebSocket; a fresh one is asked for.</summary>
    static readonly TimeSpan TicketMargin = TimeSpan.FromSeconds(20);

    readonly SemaphoreSlim _gate = new(1, 1);
    ConnectTicket? _ticket;

    public string WorkspaceName => workspaceName;

    /// <summary>The control plane's answer for this workspace; 409 (stopped) and 404 surface as <see cref="ApiException"/>.</summary>
    public async Task<ConnectTicket> TicketAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_ticket is { } cached && cached.ExpiresAt - time.GetUtcNow() > TicketMargin) return cached;
            var body = new JsonObject { ["replica"] = replica };
            var answer = await client.PostJsonAsync($"/api/workspaces/{Uri.EscapeDataString(workspaceId)}/connect", body.ToJsonString(), cancellationToken);
            _ticket = Parse(answer.Body);
            return _ticket;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A new relay connection to the agent, speaking the connect protocol.</summary>
    public async Task<MuxClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var ticket = await TicketAsync(cancellationToken);
        var headers = new Dictionary<string, string> { [SessionHeader] = ticket.SessionId };
        var sender = new HybridConnectionClient(ticket.RelayUrl, ticket.Path, (_, _) => ValueTask.FromResult(ticket.Token), headers);
        try
        {
            return new MuxClient(await sender.CreateConnectionAsync(cancellationToken));
        }
        catch (HybridConnectionException e)
        {
            throw new ConnectFailedException(Refusal(e.StatusCode, ticket.MaxConnections), ConnectExitCodes.ConnectionFailed, e);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException)
        {
            // The message names the relay's host at most; the token travels in the query and never in an exception here.
            throw new ConnectFailedException($"cannot reach the relay at {ticket.RelayUrl.Host}: {e.Message}", ConnectExitCodes.ConnectionFailed, e);
        }
    }

    string Refusal(int status, int maxConnections) => status switch
    {
        429 => $"too many connections to {workspaceName} (limit {maxConnections})",
        404 => $"the agent of {workspaceName} (replica {replica}) is not listening on the relay; is the workspace running? (`coder show {workspaceName}`)",
        504 => $"the agent of {workspaceName} (replica {replica}) did not answer the relay in time",
        401 or 403 => $"the relay refused the connect token for {workspaceName} (HTTP {status}); try again",
        _ => $"the relay refused the connection to {workspaceName} (HTTP {status})",
    };

    static ConnectTicket Parse(JsonNode? body)
    {
        string Field(string name) => (string?)body?[name] is { Length: > 0 } value
            ? value
            : throw new ApiException(new Contracts.Errors.ApiProblem { Title = "Unexpected answer", Status = 200, Detail = $"The connect answer has no '{name}'." });

        return new ConnectTicket(
            new Uri(Field("relayUrl")),
            Field("path"),
            Field("token"),
            DateTimeOffset.Parse(Field("expiresAt"), System.Globalization.CultureInfo.InvariantCulture),
            Field("sessionId"),
            Field("workspaceId"),
            (int?)body?["replica"] ?? 0,
            (int?)body?["maxConnections"] ?? DefaultMaxConnections);
    }
}
