using Azure.Storage.Queues;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// Hands agent lifecycle changes to the orchestration waiting for them. Ingest has no durable client (on Azure Functions
/// only a function's binding has one), so it queues the signal and a queue-triggered function raises the event.
/// </summary>
public sealed class WorkspaceSignalQueue
{
    readonly QueueClient _queue;

    public WorkspaceSignalQueue(StorageClientFactory factory)
    {
        _queue = factory.CreateQueueServiceClient().GetQueueClient(factory.Prefix + QueueNames.WorkspaceSignals);
    }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public Task EnqueueAsync(string instanceId, AgentSignal signal, CancellationToken cancellationToken) =>
        _queue.SendMessageAsync(Json.Serialize(new WorkspaceSignalMessage(instanceId, signal)), cancellationToken);
}
