using Azure.Messaging;
using Azure.Messaging.EventGrid;

namespace Coder.Orchestrations.Events;

/// <summary>On Azure: the custom topic (CloudEvents 1.0 input), authenticated with the app's managed identity.</summary>
public sealed class EventGridWorkspaceEventPublisher(EventGridPublisherClient client) : IWorkspaceEventPublisher
{
    public async Task PublishAsync(CloudEvent cloudEvent, CancellationToken cancellationToken) =>
        await client.SendEventAsync(cloudEvent, cancellationToken);
}
