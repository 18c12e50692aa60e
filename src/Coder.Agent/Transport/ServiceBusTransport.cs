using Coder.Agent.ControlPlane;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Transport;

/// <summary>
/// Azure Service Bus (production): body = JSON envelope, ContentType <c>application/json</c>, MessageId <c>{agentId}:{seq}</c>
/// so the queue's duplicate detection drops a resend after a crash between send and acknowledge.
/// </summary>
public sealed class ServiceBusTransport(ServiceBusSender sender, AgentCredential credential, ServiceBusClient? ownedClient = null) : IEventTransport
{
    public const string JsonContentType = "application/json";

    public int MaxBatchSize => 50;

    /// <param name="identityClientId">The workspace's own user-assigned identity, the only one its container group or VM wears.</param>
    public static ServiceBusTransport Create(string? connectionString, string? fullyQualifiedNamespace, string queueName, AgentCredential credential, string? identityClientId = null)
    {
        var options = new ServiceBusClientOptions { RetryOptions = { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(10) } };
        var identity = identityClientId is null ? Azure.Identity.ManagedIdentityId.SystemAssigned : Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(identityClientId);
        var client = connectionString is not null
            ? new ServiceBusClient(connectionString, options)
            : new ServiceBusClient(fullyQualifiedNamespace, new Azure.Identity.ManagedIdentityCredential(identity), options);
        return new ServiceBusTransport(client.CreateSender(queueName), credential, client);
    }

    public static ServiceBusMessage ToMessage(AgentEnvelope envelope, string token) =>
        new(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(envelope with { Token = token }, CoderJsonContext.Default.AgentEnvelope)))
        {
            ContentType = JsonContentType,
            MessageId = MessageIdOf(envelope),
            Subject = envelope.Type,
        };

    public static string MessageIdOf(AgentEnvelope envelope) => $"{envelope.AgentId}:{envelope.Seq}";

    public async Task<TransportSendResult> SendAsync(IReadOnlyList<AgentEnvelope> envelopes, CancellationToken cancellationToken)
    {
        try
        {
            // One call sends the batch atomically: either all are enqueued or none is.
            await sender.SendMessagesAsync(envelopes.Select(e => ToMessage(e, credential.Token)).ToList(), cancellationToken);
            return new TransportSendResult(envelopes.Count);
        }
        catch (Exception ex) when (ex is ServiceBusException or UnauthorizedAccessException or Azure.Identity.AuthenticationFailedException
                                   or TimeoutException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return new TransportSendResult(0, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await sender.DisposeAsync();
        if (ownedClient is not null) await ownedClient.DisposeAsync();
    }
}
