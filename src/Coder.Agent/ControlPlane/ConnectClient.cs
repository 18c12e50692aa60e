using Coder.Contracts.Connect;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Coder.Contracts.Agents;
using System.Text.Json.Serialization.Metadata;
using Coder.Contracts.Json;

namespace Coder.Agent.ControlPlane;

/// <summary>
/// The control-plane calls the relay listener needs, with the agent token: <c>POST /api/agent/relay-token</c> (a Listen
/// token for its own path) and <c>GET /api/agent/ssh-keys</c>. Every failure surfaces as <see cref="HttpRequestException"/>
/// whose message names the route and status, never a token.
/// </summary>
public sealed class ConnectClient(HttpClient http, Uri baseUrl, AgentCredential credential)
{
    readonly Uri _relayTokenUri = new(baseUrl, "api/agent/relay-token");
    readonly Uri _sshKeysUri = new(baseUrl, "api/agent/ssh-keys");

    public async Task<RelayTokenResponse> GetRelayTokenAsync(int replica, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _relayTokenUri)
        {
            Content = JsonContent.Create(new RelayTokenRequest(replica), CoderJsonContext.Default.RelayTokenRequest),
        };
        return await SendAsync(request, "POST api/agent/relay-token", CoderJsonContext.Default.RelayTokenResponse, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> GetAuthorizedKeysAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _sshKeysUri);
        var keys = await SendAsync(request, "GET api/agent/ssh-keys", CoderJsonContext.Default.AuthorizedKeysResponse, cancellationToken);
        return keys.AuthorizedKeys;
    }

    async Task<T> SendAsync<T>(HttpRequestMessage request, string route, JsonTypeInfo<T> type,
        CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.Token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{route} answered {(int)response.StatusCode}.", null, response.StatusCode);
            }

            return await response.Content.ReadFromJsonAsync(type, cancellationToken) ?? throw new HttpRequestException($"{route} answered an empty body.");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new HttpRequestException($"{route} failed: {e.Message}", e);
        }
    }
}
