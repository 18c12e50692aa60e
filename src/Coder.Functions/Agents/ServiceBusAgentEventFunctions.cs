using Coder.Orchestrations.Agents.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Agents;

/// <summary>
/// The Service Bus transport's ingest. The Service Bus Functions extension is not served here, so a timer drains the queue
/// with a <c>ServiceBusReceiver</c>. Swapping in a trigger later changes only this file: a
/// <c>[ServiceBusTrigger("agent-events")] ServiceBusReceivedMessage</c> with <c>ServiceBusMessageActions</c> that passes
/// the body to <c>AgentEventMessageHandler</c> and settles as the drain does.
/// </summary>
public sealed class ServiceBusAgentEventFunctions(ServiceBusAgentEventSource source, ServiceBusAgentEventDrain drain)
{
    /// <summary>Every 15 s: a no-op unless <c>Coder:Agent:ServiceBus</c> names a namespace or connection.</summary>
    [Function(nameof(DrainServiceBusAgentEvents))]
    public async Task DrainServiceBusAgentEvents([TimerTrigger("*/15 * * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!source.IsConfigured) return;
        await using var receiver = source.CreateReceiver();
        await drain.DrainAsync(receiver, cancellationToken);
    }
}
