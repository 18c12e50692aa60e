using Coder.Agent.ControlPlane;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Transport;

/// <summary>HTTP: <c>POST {CODER_URL}/api/agent/events</c> with an <see cref="AgentEventsBatch"/> and the bearer token.</summary>
public sealed class HttpEventTransport(HttpClient http, Uri baseUrl, AgentCredential credential) : IEventTransport
{
    public int MaxBatchSize => 100;

    public async Task<TransportSendResult> SendAsync(IReadOnlyList<AgentEnvelope> envelopes, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "api/agent/events"))
            {
                Content = JsonContent.Create(new AgentEventsBatch(envelopes), CoderJsonContext.Default.AgentEventsBatch),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.Token);
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new TransportSendResult(0, new HttpRequestException($"POST api/agent/events answered {(int)response.StatusCode}.", null, response.StatusCode));
            }
            var accepted = await response.Content.ReadFromJsonAsync(CoderJsonContext.Default.AgentEventsAccepted, cancellationToken);
            return new TransportSendResult(envelopes.Count, null, accepted?.ConfigVersion);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException or TaskCanceledException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return new TransportSendResult(0, ex);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
