using System.Text.Json;
using Azure;
using Coder.Contracts.Agents;
using Coder.Orchestrations.Common;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// Turns one queue message body into an ingest call and a settlement, the same for every queue transport (Storage Queue
/// trigger, Service Bus drain or trigger). The envelope carries its own agent token; ingest checks it.
/// </summary>
public sealed partial class AgentEventMessageHandler(IAgentEventIngestor ingestor, ILogger<AgentEventMessageHandler> logger)
{
    public async Task<AgentMessageSettlement> HandleAsync(BinaryData body, CancellationToken cancellationToken)
    {
        AgentEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<AgentEnvelope>(body, ServerJson.Options);
        }
        catch (JsonException)
        {
            envelope = null;
        }

        if (envelope is null)
        {
            LogMalformed(logger);
            return AgentMessageSettlement.DeadLetter;
        }

        try
        {
            var outcome = await ingestor.IngestAsync(envelope, null, cancellationToken);
            return outcome == IngestOutcome.RetryLater ? AgentMessageSettlement.Abandon : AgentMessageSettlement.Complete;
        }
        catch (RequestFailedException e)
        {
            // Storage was unavailable mid-apply; applying is idempotent, so a redelivery finishes the job.
            LogIngestFailed(logger, envelope.AgentId, envelope.Seq, e);
            return AgentMessageSettlement.Abandon;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped an agent message that is not an envelope")]
    static partial void LogMalformed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest of {AgentId}:{Seq} failed; the message is delivered again")]
    static partial void LogIngestFailed(ILogger logger, string agentId, long seq, Exception exception);
}
