using Azure.Messaging.ServiceBus;

namespace Coder.Agent.Tests.ServiceBus;

/// <summary>A <see cref="ServiceBusSender"/> through the SDK's mocking constructor: records each send, or fails as told.</summary>
public sealed class RecordingServiceBusSender : ServiceBusSender
{
    public List<IReadOnlyList<ServiceBusMessage>> Sends { get; } = [];

    public Exception? FailWith { get; set; }

    public override Task SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken cancellationToken = default)
    {
        if (FailWith is not null) throw FailWith;
        Sends.Add([.. messages]);
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
