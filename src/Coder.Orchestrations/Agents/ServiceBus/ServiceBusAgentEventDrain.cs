using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Agents.ServiceBus;

/// <summary>
/// Drains the agent-events queue in batches until a receive comes back empty (idle) or the time budget is spent. Messages are
/// received in peek-lock mode and settled only after ingest: completed when handled, abandoned when ingest must retry (so
/// delivery is at least once; ingest drops the duplicates by agent and seq), dead-lettered when not an envelope.
/// </summary>
public sealed partial class ServiceBusAgentEventDrain(
    AgentEventMessageHandler handler,
    IOptions<ServiceBusIngestOptions> options,
    TimeProvider time,
    ILogger<ServiceBusAgentEventDrain> logger)
{
    public async Task<ServiceBusDrainResult> DrainAsync(ServiceBusReceiver receiver, CancellationToken cancellationToken)
    {
        var o = options.Value;
        long started = time.GetTimestamp();
        int received = 0, completed = 0, abandoned = 0, deadLettered = 0;
        bool idle = false;
        while (time.GetElapsedTime(started) < o.MaxDrainTime)
        {
            var batch = await receiver.ReceiveMessagesAsync(Math.Max(1, o.BatchSize), o.IdleWait, cancellationToken);
            if (batch.Count == 0)
            {
                idle = true;
                break;
            }

            received += batch.Count;
            foreach (var message in batch)
            {
                switch (await handler.HandleAsync(message.Body, cancellationToken))
                {
                    case AgentMessageSettlement.Complete:
                        await receiver.CompleteMessageAsync(message, cancellationToken);
                        completed++;
                        break;
                    case AgentMessageSettlement.Abandon:
                        await receiver.AbandonMessageAsync(message, cancellationToken: cancellationToken);
                        abandoned++;
                        break;
                    default:
                        await receiver.DeadLetterMessageAsync(message, "not-an-envelope", "The body is not an agent envelope.", cancellationToken);
                        deadLettered++;
                        break;
                }
            }
        }

        var result = new ServiceBusDrainResult(received, completed, abandoned, deadLettered, idle);
        if (received > 0) LogDrained(logger, received, completed, abandoned, deadLettered, idle);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained {Received} agent messages from Service Bus: {Completed} completed, {Abandoned} abandoned, {DeadLettered} dead-lettered; idle {Idle}")]
    static partial void LogDrained(ILogger logger, int received, int completed, int abandoned, int deadLettered, bool idle);
}
