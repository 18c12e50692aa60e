using Coder.Local.Durable;
using DurableTask.Core;
using DurableTask.Core.History;
using Google.Protobuf.Collections;
using Microsoft.DurableTask.Testing.Sidecar.Dispatcher;

namespace Coder.Orchestrations.Tests.Durable;

/// <summary>The sidecar's own event and collection types come out as the plain DurableTask.Core ones, fields intact.</summary>
public sealed class StorableHistoryTests
{
    [Fact]
    public void Normalize_SidecarSubOrchestrationCreatedEvent_BecomesThePlainEventWithTheSameFields()
    {
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        IList<HistoryEvent> events =
        [
            new OrchestratorStartedEvent(-1),
            new GrpcSubOrchestrationInstanceCreatedEvent(3) { Name = "Child", Version = "1.1", InstanceId = "child-1", Input = "\"in\"", Timestamp = at },
        ];

        StorableHistory.Normalize(events);

        Assert.IsType<OrchestratorStartedEvent>(events[0]);
        var created = Assert.IsType<SubOrchestrationInstanceCreatedEvent>(events[1]);
        Assert.Equal((3, "Child", "1.1", "child-1", "\"in\"", at), (created.EventId, created.Name, created.Version, created.InstanceId, created.Input, created.Timestamp));
    }

    [Fact]
    public void Normalize_StartMessageWithProtobufTags_CarriesAPlainDictionaryOfTheSameTags()
    {
        var tags = new MapField<string, string> { ["workspace"] = "ws-1" };
        var message = new TaskMessage { Event = new ExecutionStartedEvent(-1, null) { Name = "Child", Tags = tags } };

        StorableHistory.Normalize(message);

        var started = Assert.IsType<ExecutionStartedEvent>(message.Event);
        Assert.IsType<Dictionary<string, string>>(started.Tags);
        Assert.Equal("ws-1", started.Tags["workspace"]);
    }
}
