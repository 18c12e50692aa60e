using Coder.Contracts.Agents;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// Applies agent envelopes to observed state. Every transport (Storage Queue, Service Bus, HTTP) ends here, so dedup by
/// (agentId, seq), token checks and ETag-guarded updates live in one place.
/// </summary>
public interface IAgentEventIngestor
{
    /// <param name="bearerToken">The token that came with the envelope (its <c>token</c> field, or the HTTP bearer token).</param>
    Task<IngestOutcome> IngestAsync(AgentEnvelope envelope, string? bearerToken, CancellationToken cancellationToken);
}
