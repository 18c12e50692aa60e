using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Coder.Agent.Transport;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Tests.ServiceBus;

/// <summary>
/// The agent's Service Bus transport. No Service Bus emulator runs here, so it is contract-tested with the SDK's own
/// mockable types: a <see cref="ServiceBusSender"/> built through its mocking constructor.
/// </summary>
public sealed class ServiceBusTransportContractTests
{
    const string Token = "cda_servicebus-contract-token";

    [Fact]
    public async Task SendAsync_SendsJsonBodyContentTypeAndAgentSeqMessageId_ContractTestedWithSdkMockableSender()
    {
        var sender = new RecordingServiceBusSender();
        await using var transport = new ServiceBusTransport(sender, Token);
        AgentEnvelope[] envelopes = [Envelope(41, AgentEventTypes.Heartbeat), Envelope(42, AgentEventTypes.Lifecycle)];

        var result = await transport.SendAsync(envelopes, CancellationToken.None);

        Assert.Equal(2, result.Delivered);
        Assert.Null(result.Error);
        var messages = Assert.Single(sender.Sends);
        Assert.Equal(["agent-sb:41", "agent-sb:42"], messages.Select(m => m.MessageId));
        Assert.All(messages, m => Assert.Equal("application/json", m.ContentType));
        Assert.Equal([AgentEventTypes.Heartbeat, AgentEventTypes.Lifecycle], messages.Select(m => m.Subject));
        var body = JsonSerializer.Deserialize(messages[1].Body, CoderJsonContext.Default.AgentEnvelope)!;
        Assert.Equal(("ws-sb", "agent-sb", 42L, AgentEventTypes.Lifecycle, Token), (body.WorkspaceId, body.AgentId, body.Seq, body.Type, body.Token));
        Assert.Equal(envelopes[1].SentAt, body.SentAt);
        Assert.Equal(AgentLifecycle.Ready, body.Payload.Deserialize(CoderJsonContext.Default.LifecyclePayload)!.State);
    }

    [Fact]
    public async Task SendAsync_WhenServiceBusIsBusy_ReportsNothingDelivered_ContractTestedWithSdkMockableSender()
    {
        var sender = new RecordingServiceBusSender { FailWith = new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy) };
        await using var transport = new ServiceBusTransport(sender, Token);

        var result = await transport.SendAsync([Envelope(1, AgentEventTypes.Heartbeat)], CancellationToken.None);

        Assert.Equal(0, result.Delivered);
        Assert.IsType<ServiceBusException>(result.Error);
    }

    internal static AgentEnvelope Envelope(long seq, string type, string workspaceId = "ws-sb", string agentId = "agent-sb") =>
        new(workspaceId, agentId, seq, new DateTimeOffset(2026, 12, 2, 4, 0, 0, TimeSpan.Zero).AddSeconds(seq), type, type switch
        {
            AgentEventTypes.Lifecycle => JsonSerializer.SerializeToElement(new LifecyclePayload(AgentLifecycle.Ready), CoderJsonContext.Default.LifecyclePayload),
            _ => JsonSerializer.SerializeToElement(new HeartbeatPayload("v1", seq), CoderJsonContext.Default.HeartbeatPayload),
        });
}
