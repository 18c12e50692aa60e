using Azure.Core;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Agents.ServiceBus;

/// <summary>One Service Bus client for the process (it owns the AMQP connection) and receivers on the agent-events queue.</summary>
public sealed class ServiceBusAgentEventSource(IOptions<ServiceBusIngestOptions> options, IServiceProvider services) : IAsyncDisposable
{
    readonly Lazy<ServiceBusClient> _client = new(() => CreateClient(options.Value, services));

    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>A peek-lock receiver; the caller disposes it after the drain.</summary>
    public ServiceBusReceiver CreateReceiver() =>
        _client.Value.CreateReceiver(options.Value.QueueName, new ServiceBusReceiverOptions
        {
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            PrefetchCount = Math.Max(1, options.Value.BatchSize),
        });

    // Identity-based access uses the registered credential (AddCoderAzureCredential), as storage does.
    static ServiceBusClient CreateClient(ServiceBusIngestOptions o, IServiceProvider services) =>
        o.ConnectionString is { Length: > 0 } connection
            ? new ServiceBusClient(connection)
            : new ServiceBusClient(o.FullyQualifiedNamespace, (TokenCredential)services.GetService(typeof(TokenCredential))!);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsValueCreated) await _client.Value.DisposeAsync();
    }
}
