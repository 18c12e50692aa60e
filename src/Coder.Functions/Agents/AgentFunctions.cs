using System.Text.Json;
using Coder.Contracts.Agents;
using Coder.Functions.Http;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Prebuilds;
using Coder.Orchestrations.State;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Coder.Functions.Agents;

/// <summary>The agent-facing side: the manifest, the HTTP transport, the queue transport, and lifecycle signals.</summary>
public sealed class AgentFunctions(ApiPipeline api, AgentManifestService manifests, AgentManifestWaiter waiter, IAgentEventIngestor ingestor, AgentEventMessageHandler messages)
{
    [ApiResponse(200, typeof(AgentManifest))]
    [ApiResponse(304)]
    [ApiQuery("wait", "Seconds (0-30) to hold the request while the manifest still matches If-None-Match and the workspace is an unclaimed warm-pool member.")]
    [Function(nameof(GetAgentManifest))]
    public Task<IActionResult> GetAgentManifest([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agent/manifest")] HttpRequest req) =>
        api.RunAnonymousAsync(req, async ct =>
        {
            // An agent polls at every heartbeat with its version: answered from the version cache, a 304 builds nothing.
            // A long poll, and a token the cache cannot answer for (a claimed warm-pool member's, whose next call is the
            // claim's handover), go to the waiter.
            string? token = ApiPipeline.BearerToken(req);
            string? known = req.Headers.IfNoneMatch.FirstOrDefault()?.Trim('"');
            int wait = int.TryParse(req.Query["wait"], System.Globalization.CultureInfo.InvariantCulture, out int w) ? Math.Clamp(w, 0, AgentManifestWaiter.MaxWaitSeconds) : 0;
            if (known is not null && wait == 0 && await manifests.CurrentVersionAsync(token, ct) is { } current && current == known)
                return new ApiResult(StatusCodes.Status304NotModified, null).WithHeader("ETag", $"\"{current}\"");

            var manifest = await waiter.GetAsync(token, known, TimeSpan.FromSeconds(wait), ct) ?? throw CoderProblemException.Unauthorized();
            string etag = $"\"{manifest.ConfigVersion}\"";
            // A handover's answer is never a 304: the owner's manifest can hash like the claimed member's the agent already
            // holds (no secrets or dotfiles of the owner's), and a 304 would drop the only copy of the new token.
            if (manifest.Token is null && req.Headers.IfNoneMatch.Contains(etag)) return new ApiResult(StatusCodes.Status304NotModified, null).WithHeader("ETag", etag);
            return ApiResult.Ok(manifest).WithHeader("ETag", etag);
        });

    [ApiRequest(typeof(AgentEventsBatch))]
    [ApiResponse(202, typeof(AgentEventsAccepted))]
    [Function(nameof(PostAgentEvents))]
    public Task<IActionResult> PostAgentEvents([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agent/events")] HttpRequest req) =>
        api.RunAnonymousAsync(req, async ct =>
        {
            string? token = ApiPipeline.BearerToken(req);
            string configVersion = await manifests.CurrentVersionAsync(token, ct) ?? throw CoderProblemException.Unauthorized();
            var batch = await ApiPipeline.ReadBodyAsync<AgentEventsBatch>(req, ct);
            if (batch.Events is not { Count: <= 1000 }) throw CoderProblemException.Validation("events", "Between 0 and 1000 events.");
            var supersededBy = IngestBatch.SupersededBy(batch.Events);
            var outcomes = new IngestOutcome[batch.Events.Count];
            for (int i = 0; i < batch.Events.Count; i++)
            {
                // A heartbeat a later one of its agent in this batch supersedes is not applied; it shares that one's outcome.
                if (supersededBy[i] >= 0) continue;
                outcomes[i] = await ingestor.IngestAsync(batch.Events[i], token, ct);
                if (outcomes[i] == IngestOutcome.RetryLater) throw new CoderProblemException(503, "Try again.", "Ingest is busy; retry the batch.");
            }

            int accepted = outcomes.Select((o, i) => supersededBy[i] >= 0 ? outcomes[supersededBy[i]] : o).Count(o => o != IngestOutcome.Rejected);
            return ApiResult.Accepted(new AgentEventsAccepted(accepted, configVersion));
        });

    /// <summary>The Storage Queue transport (the local default). Unparseable or rejected messages are logged and dropped.</summary>
    [Function(nameof(IngestAgentEvent))]
    public async Task IngestAgentEvent([QueueTrigger(QueueNames.AgentEvents, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        // Throwing returns the message to the queue; after five dequeues the host moves it to the poison queue.
        if (await messages.HandleAsync(BinaryData.FromString(message), cancellationToken) == AgentMessageSettlement.Abandon)
            throw new InvalidOperationException("Ingest asked for a retry; the message returns to the queue.");
    }

    /// <summary>Raises an agent lifecycle signal on the orchestration waiting for it.</summary>
    [Function(nameof(RaiseWorkspaceSignal))]
    public async Task RaiseWorkspaceSignal(
        [QueueTrigger(QueueNames.WorkspaceSignals, Connection = "AzureWebJobsStorage")] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var signal = JsonSerializer.Deserialize<WorkspaceSignalMessage>(message, ServerJson.Options);
        if (signal is null) return;
        var instance = await client.GetInstanceAsync(signal.InstanceId, cancellationToken);
        if (instance is not { IsRunning: true }) return;
        await client.RaiseEventAsync(signal.InstanceId, Orchestrations.Agents.AgentSignal.EventName, signal.Signal, cancellationToken);
    }
}
