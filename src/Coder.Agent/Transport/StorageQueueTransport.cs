using Coder.Agent.ControlPlane;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Transport;

/// <summary>
/// Azure Storage Queue: one envelope per message, the message text is base64 of the UTF-8 JSON (what the Functions queue
/// trigger expects). The SDK's own retries are off: the outbox's sender owns retry and backoff.
/// </summary>
public sealed class StorageQueueTransport(QueueClient queue, AgentCredential credential) : IEventTransport
{
    bool _queueEnsured;

    public int MaxBatchSize => 32;

    public static StorageQueueTransport Create(string connectionString, string queueName, AgentCredential credential)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return new StorageQueueTransport(new QueueClient(connectionString, queueName, options), credential);
    }

    public async Task<TransportSendResult> SendAsync(IReadOnlyList<AgentEnvelope> envelopes, CancellationToken cancellationToken)
    {
        int delivered = 0;
        try
        {
            foreach (var envelope in envelopes)
            {
                var body = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(envelope with { Token = credential.Token }, CoderJsonContext.Default.AgentEnvelope));
                await SendOneAsync(body, cancellationToken);
                delivered++;
            }
            return new TransportSendResult(delivered);
        }
        catch (Exception ex) when (ex is RequestFailedException or IOException or HttpRequestException or TaskCanceledException or AggregateException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return new TransportSendResult(delivered, ex);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    async Task SendOneAsync(BinaryData body, CancellationToken cancellationToken)
    {
        try
        {
            await queue.SendMessageAsync(body, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && !_queueEnsured)
        {
            // The control plane normally creates the queue; creating it here keeps a fresh local setup from stalling.
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _queueEnsured = true;
            await queue.SendMessageAsync(body, cancellationToken: cancellationToken);
        }
    }
}
