using System.Text.Json;
using Azure.Storage.Queues;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Tests.Infrastructure;

/// <summary>
/// The agent-events Storage Queue read the way the queue trigger reads it (base64 JSON envelopes). Every message taken is
/// deleted; <see cref="Received"/> keeps each (agentId, seq) once, as ingest does, in the order the queue first handed it
/// out. Delivery is at least once: a send that timed out on a slow queue but was stored is sent again, and counted in
/// <see cref="Redelivered"/>.
/// </summary>
public sealed class EnvelopeQueue(string connectionString, string queueName)
{
    readonly QueueClient _queue = new(connectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    readonly List<AgentEnvelope> _received = [];
    readonly HashSet<(string AgentId, long Seq)> _seen = [];

    public string Name => queueName;

    public IReadOnlyList<AgentEnvelope> Received => _received;

    public int Redelivered { get; private set; }

    public Task CreateAsync() => _queue.CreateIfNotExistsAsync();

    /// <summary>Takes whatever is in the queue now; returns everything received so far.</summary>
    public async Task<IReadOnlyList<AgentEnvelope>> DrainAsync(Func<AgentEnvelope, BinaryData, Task>? onMessage = null)
    {
        while (true)
        {
            var batch = (await _queue.ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0) return _received;
            foreach (var message in batch)
            {
                var envelope = JsonSerializer.Deserialize(message.Body, CoderJsonContext.Default.AgentEnvelope)
                    ?? throw new InvalidOperationException("A queue message is not an envelope.");
                if (onMessage is not null) await onMessage(envelope, message.Body);
                if (_seen.Add((envelope.AgentId, envelope.Seq))) _received.Add(envelope);
                else Redelivered++;
                await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    public IEnumerable<AgentLifecycle> Lifecycle(string? agentId = null) =>
        _received.Where(e => e.Type == AgentEventTypes.Lifecycle && (agentId is null || e.AgentId == agentId))
            .Select(e => e.Payload.Deserialize(CoderJsonContext.Default.LifecyclePayload)!.State);

    public IEnumerable<T> Payloads<T>(string type, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        _received.Where(e => e.Type == type).Select(e => e.Payload.Deserialize(typeInfo)!);
}
