using Azure.Messaging;

namespace Coder.Orchestrations.Events;

/// <summary>Publishes lifecycle CloudEvents. Called from activities only; a failure throws, so the activity is retried.</summary>
public interface IWorkspaceEventPublisher
{
    Task PublishAsync(CloudEvent cloudEvent, CancellationToken cancellationToken);
}
