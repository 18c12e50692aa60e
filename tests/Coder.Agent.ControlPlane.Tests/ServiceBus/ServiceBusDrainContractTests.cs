using System.Text.Json;
using Azure;
using Azure.Messaging.ServiceBus;
using Coder.Agent.ControlPlane.Tests.Infrastructure;
using Coder.Agent.Tests.Infrastructure;
using Coder.Agent.Transport;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Agents.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Agent.ControlPlane.Tests.ServiceBus;

/// <summary>
/// The control plane's Service Bus drain, over the real ingest and tables (Azurite). No Service Bus emulator runs here, so
/// the receiver is contract-tested with the SDK's own mockable types: messages from <see cref="ServiceBusModelFactory"/>
/// carrying exactly what the agent's transport sends, and a <see cref="ServiceBusReceiver"/> built through its mocking
/// constructor that records settlement.
/// </summary>
public sealed class ServiceBusDrainContractTests
{
    static void SmallBatches(IServiceCollection services) => services.Configure<ServiceBusIngestOptions>(o =>
    {
        o.BatchSize = 2;
        o.IdleWait = TimeSpan.FromMilliseconds(50);
        // These tests are about settlement; the time budget must not end a drain early on a loaded machine.
        o.MaxDrainTime = TimeSpan.FromMinutes(10);
    });

    [Fact]
    public async Task Drain_CompletesAppliedDuplicateAndRejected_DeadLettersGarbage_EndsWhenIdle_ContractTestedWithSdkMockableReceiver()
    {
        await using var ingest = await IngestHarness.StartAsync(SmallBatches);
        string agentId = ingest.AgentId();
        var created = Lifecycle(ingest.WorkspaceId, agentId, 1, AgentLifecycle.Created);
        var starting = Lifecycle(ingest.WorkspaceId, agentId, 2, AgentLifecycle.Starting);
        var ready = Lifecycle(ingest.WorkspaceId, agentId, 3, AgentLifecycle.Ready);
        var forged = Lifecycle(ingest.WorkspaceId, agentId, 4, AgentLifecycle.ShuttingDown);
        var receiver = new ScriptedServiceBusReceiver(
        [
            Received(created, ingest.Token, 1),
            Received(starting, ingest.Token, 2),
            Received(ready, ingest.Token, 3),
            Received(ready, ingest.Token, 4), // redelivered after a lost completion: a duplicate
            Received(forged, "cda_not-this-workspaces-token", 5),
            ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString("not an envelope"), messageId: "garbage",
                contentType: "text/plain", lockTokenGuid: Guid.NewGuid(), sequenceNumber: 6),
        ]);

        var result = await ingest.Drain.DrainAsync(receiver, CancellationToken.None);

        Assert.Equal(new ServiceBusDrainResult(Received: 6, Completed: 5, Abandoned: 0, DeadLettered: 1, Idle: true), result);
        Assert.Equal([2, 2, 2, 2], receiver.ReceiveCalls);
        Assert.Equal([$"{agentId}:1", $"{agentId}:2", $"{agentId}:3", $"{agentId}:3", $"{agentId}:4"], receiver.Completed);
        Assert.Equal([("garbage", "not-an-envelope")], receiver.DeadLettered);
        Assert.Empty(receiver.Abandoned);
        Assert.Equal("ready", (await ingest.AgentsAsync())!.Lifecycle);
        Assert.Equal([1L, 2L, 3L], (await ingest.AppliedSeqsAsync(agentId)).Order());
    }

    [Fact]
    public async Task Drain_WhenIngestCannotFinish_AbandonsSoTheMessageComesBack_ContractTestedWithSdkMockableReceiver()
    {
        await using var ingest = await IngestHarness.StartAsync(services =>
        {
            SmallBatches(services);
            services.Replace(ServiceDescriptor.Singleton<IAgentEventIngestor, UnavailableStorageIngestor>());
        });
        var envelope = Lifecycle(ingest.WorkspaceId, ingest.AgentId(), 1, AgentLifecycle.Created);
        var receiver = new ScriptedServiceBusReceiver([Received(envelope, ingest.Token, 1)]);

        var result = await ingest.Drain.DrainAsync(receiver, CancellationToken.None);

        Assert.Equal(new ServiceBusDrainResult(Received: 1, Completed: 0, Abandoned: 1, DeadLettered: 0, Idle: true), result);
        Assert.Equal([$"{ingest.AgentId()}:1"], receiver.Abandoned);
        Assert.Empty(receiver.Completed);
    }

    static AgentEnvelope Lifecycle(string workspaceId, string agentId, long seq, AgentLifecycle state) =>
        new(workspaceId, agentId, seq, DateTimeOffset.UtcNow.AddSeconds(seq - 10), AgentEventTypes.Lifecycle,
            JsonSerializer.SerializeToElement(new LifecyclePayload(state), CoderJsonContext.Default.LifecyclePayload));

    /// <summary>What the agent's transport sends, as the receiver would get it back.</summary>
    static ServiceBusReceivedMessage Received(AgentEnvelope envelope, string token, long sequenceNumber)
    {
        var sent = ServiceBusTransport.ToMessage(envelope, token);
        return ServiceBusModelFactory.ServiceBusReceivedMessage(body: sent.Body, messageId: sent.MessageId, contentType: sent.ContentType,
            subject: sent.Subject, lockTokenGuid: Guid.NewGuid(), sequenceNumber: sequenceNumber, deliveryCount: 1);
    }

    /// <summary>Ingest whose storage is down: the one fault the drain must answer by abandoning.</summary>
    sealed class UnavailableStorageIngestor : IAgentEventIngestor
    {
        public Task<IngestOutcome> IngestAsync(AgentEnvelope envelope, string? bearerToken, CancellationToken cancellationToken) =>
            throw new RequestFailedException(503, "The table service is unavailable.");
    }
}
