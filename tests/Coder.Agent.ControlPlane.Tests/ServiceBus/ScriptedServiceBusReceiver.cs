using Azure.Messaging.ServiceBus;

namespace Coder.Agent.ControlPlane.Tests.ServiceBus;

/// <summary>
/// A <see cref="ServiceBusReceiver"/> through the SDK's mocking constructor over messages built with
/// <see cref="ServiceBusModelFactory"/>: it hands them out in batches in peek-lock style and records every settlement.
/// </summary>
public sealed class ScriptedServiceBusReceiver(IEnumerable<ServiceBusReceivedMessage> messages) : ServiceBusReceiver
{
    readonly Queue<ServiceBusReceivedMessage> _available = new(messages);

    public List<int> ReceiveCalls { get; } = [];
    public List<string> Completed { get; } = [];
    public List<string> Abandoned { get; } = [];
    public List<(string MessageId, string Reason)> DeadLettered { get; } = [];

    public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null,
        CancellationToken cancellationToken = default)
    {
        ReceiveCalls.Add(maxMessages);
        var batch = new List<ServiceBusReceivedMessage>();
        while (batch.Count < maxMessages && _available.TryDequeue(out var message)) batch.Add(message);
        return Task.FromResult<IReadOnlyList<ServiceBusReceivedMessage>>(batch);
    }

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        Completed.Add(message.MessageId);
        return Task.CompletedTask;
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null,
        CancellationToken cancellationToken = default)
    {
        Abandoned.Add(message.MessageId);
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null,
        CancellationToken cancellationToken = default)
    {
        DeadLettered.Add((message.MessageId, deadLetterReason));
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
