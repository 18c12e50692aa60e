using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Queues;
using Coder.Contracts.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;

namespace Coder.Bench.Scenarios;

/// <summary>
/// An agent stand-in that reports <c>ready</c> the moment its workspace is started: one lifecycle envelope, with the
/// token and queue the bootstrap environment gives a real agent, onto the agent-events queue, so the real ingest path
/// (queue trigger, token check, observed state, signal to the orchestration) carries it.
/// </summary>
public sealed class ReadyAtOnceAgent
{
    readonly ConcurrentDictionary<string, WorkspaceResourceSpec> _started = new(StringComparer.Ordinal);

    /// <summary>The spec (with its agent environment) of every workspace this agent reported ready for, by workspace id.</summary>
    public IReadOnlyDictionary<string, WorkspaceResourceSpec> Started => _started;

    public async Task ReportReadyAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        _started[spec.Workspace.WorkspaceId] = spec;
        var env = spec.AgentEnvironment;
        var queue = new QueueClient(env["CODER_AGENT_QUEUE_CONNECTION"], env["CODER_AGENT_QUEUE_NAME"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var envelope = new AgentEnvelope(
            spec.Workspace.WorkspaceId,
            AgentIds.For(spec.Workspace.WorkspaceId, spec.BuildId, 0),
            Seq: 1,
            DateTimeOffset.UtcNow,
            AgentEventTypes.Lifecycle,
            JsonSerializer.SerializeToElement(new LifecyclePayload(AgentLifecycle.Ready), ServerJson.Options),
            env["CODER_AGENT_TOKEN"]);
        await queue.SendMessageAsync(JsonSerializer.Serialize(envelope, ServerJson.Options), cancellationToken);
    }
}
