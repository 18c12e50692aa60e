using System.Text.Json;
using Azure.Messaging;
using Azure.Storage.Queues;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Events;

/// <summary>The local host's publisher: each event as one structured-mode CloudEvents JSON message on <c>coder-events</c>.</summary>
public sealed class QueueWorkspaceEventPublisher(StorageClientFactory storage) : IWorkspaceEventPublisher
{
    readonly QueueClient _queue = storage.CreateQueueServiceClient().GetQueueClient(storage.Prefix + EventQueueNames.CoderEvents);
    volatile bool _created;

    public async Task PublishAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        // The SDK's own converter writes the CloudEvents JSON format, the same bytes the custom topic would deliver.
        await _queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(cloudEvent)), timeToLive: TimeSpan.FromDays(7), cancellationToken: cancellationToken);
    }
}
