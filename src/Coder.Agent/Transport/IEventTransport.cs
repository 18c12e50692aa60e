using Coder.Contracts.Agents;

namespace Coder.Agent.Transport;

/// <summary>Delivers envelopes from the outbox to the control plane. Every transport shares the envelope and the outbox.</summary>
public interface IEventTransport : IAsyncDisposable
{
    /// <summary>How many envelopes one <see cref="SendAsync"/> call takes at most.</summary>
    int MaxBatchSize { get; }

    /// <summary>Sends the envelopes in order and reports how many leading ones were delivered; it does not throw for transport faults.</summary>
    Task<TransportSendResult> SendAsync(IReadOnlyList<AgentEnvelope> envelopes, CancellationToken cancellationToken);
}
