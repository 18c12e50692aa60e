using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Coder.Contracts.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;

namespace Coder.Bench.Scenarios;

/// <summary>
/// An agent stand-in that reports <c>ready</c> the moment its workspace is started: one lifecycle envelope, with the
/// token and the transport the bootstrap environment gives a real agent (HTTP to <c>CODER_URL</c>, the local default, or
/// the agent-events queue), so the real ingest path (token check, observed state, signal to the orchestration) carries it.
/// </summary>
public sealed class ReadyAtOnceAgent
{
    static readonly HttpClient Http = new();

    readonly ConcurrentDictionary<string, WorkspaceResourceSpec> _started = new(StringComparer.Ordinal);

    /// <summary>The spec (with its agent environment) of every workspace this agent reported ready for, by workspace id.</summary>
    public IReadOnlyDictionary<string, WorkspaceResourceSpec> Started => _started;

    public async Task ReportReadyAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        _started[spec.Workspace.WorkspaceId] = spec;
        var env = spec.AgentEnvironment;
        var envelope = new AgentEnvelope(
            spec.Workspace.WorkspaceId,
            AgentIds.For(spec.Workspace.WorkspaceId, spec.BuildId, 0),
            Seq: 1,
            DateTimeOffset.UtcNow,
            AgentEventTypes.Lifecycle,
            JsonSerializer.SerializeToElement(new LifecyclePayload(AgentLifecycle.Ready), ServerJson.Options),
            null);
        if (env.GetValueOrDefault("CODER_AGENT_TRANSPORT") == "storage-queue")
        {
            var queue = new QueueClient(env["CODER_AGENT_QUEUE_CONNECTION"], env["CODER_AGENT_QUEUE_NAME"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await queue.SendMessageAsync(JsonSerializer.Serialize(envelope with { Token = env["CODER_AGENT_TOKEN"] }, ServerJson.Options), cancellationToken);
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(env["CODER_URL"].TrimEnd('/') + "/"), "api/agent/events"))
        {
            Content = JsonContent.Create(new AgentEventsBatch([envelope]), options: ServerJson.Options),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", env["CODER_AGENT_TOKEN"]);
        using var response = await Http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"The stand-in agent's ready was answered {(int)response.StatusCode}.");
    }
}
