using System.Text.Json;
using Azure.Messaging;
using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Events;
using Coder.Orchestrations.Operations;

namespace Coder.Orchestrations.Tests.Events;

public sealed class WorkspaceLifecycleEventsTests
{
    static CompleteOperationInput Completed(OperationKind kind, bool succeeded, WorkspaceStatus status, string operationId = "ws-abcdefghijkl.0001.provision") =>
        new(new WorkspaceOperationInput("ws-abcdefghijkl", "alice", operationId, kind, "user:alice"), new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), succeeded, status, "done");

    [Theory]
    [InlineData(OperationKind.Provision, true, WorkspaceStatus.Running, CoderEventTypes.WorkspaceRunning)]
    [InlineData(OperationKind.Start, true, WorkspaceStatus.Running, CoderEventTypes.WorkspaceRunning)]
    [InlineData(OperationKind.Restart, true, WorkspaceStatus.Running, CoderEventTypes.WorkspaceRunning)]
    [InlineData(OperationKind.Stop, true, WorkspaceStatus.Stopped, CoderEventTypes.WorkspaceStopped)]
    [InlineData(OperationKind.Delete, true, WorkspaceStatus.Deleted, CoderEventTypes.WorkspaceDeleted)]
    [InlineData(OperationKind.Scale, true, WorkspaceStatus.Running, CoderEventTypes.WorkspaceScaled)]
    [InlineData(OperationKind.Upgrade, true, WorkspaceStatus.Running, CoderEventTypes.WorkspaceUpgraded)]
    [InlineData(OperationKind.Snapshot, true, WorkspaceStatus.Running, CoderEventTypes.WorkspaceSnapshotCompleted)]
    [InlineData(OperationKind.Provision, false, WorkspaceStatus.Failed, CoderEventTypes.WorkspaceFailed)]
    public void FinishedOperation_MapsToItsLifecycleType(OperationKind kind, bool succeeded, WorkspaceStatus status, string type) =>
        Assert.Equal(type, WorkspaceLifecycleEvents.TypeFor(kind, succeeded, status));

    [Fact]
    public void Event_IsACloudEvent10WithSourceTypeAndADeterministicUniqueId()
    {
        var running = WorkspaceLifecycleEvents.For(Completed(OperationKind.Provision, true, WorkspaceStatus.Running))!;
        var again = WorkspaceLifecycleEvents.For(Completed(OperationKind.Provision, true, WorkspaceStatus.Running))!;
        var failed = WorkspaceLifecycleEvents.For(Completed(OperationKind.Provision, false, WorkspaceStatus.Failed))!;
        var otherOperation = WorkspaceLifecycleEvents.For(Completed(OperationKind.Start, true, WorkspaceStatus.Running, "ws-abcdefghijkl.0002.start"))!;

        Assert.Equal(running.Id, again.Id);
        Assert.Equal(3, new[] { running.Id, failed.Id, otherOperation.Id }.Distinct().Count());

        // The structured-mode JSON, as the queue and the topic carry it, read back by the SDK's strict parser.
        string json = JsonSerializer.Serialize(running);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("1.0", doc.RootElement.GetProperty("specversion").GetString());
        Assert.Equal("ws-abcdefghijkl", doc.RootElement.GetProperty("data").GetProperty("workspaceId").GetString());
        var parsed = CloudEvent.Parse(BinaryData.FromString(json), skipValidation: false)!;
        Assert.Equal("/coder/workspaces/ws-abcdefghijkl", parsed.Source);
        Assert.Equal(CoderEventTypes.WorkspaceRunning, parsed.Type);
        Assert.Equal(running.Id, parsed.Id);
        Assert.Equal("application/json", parsed.DataContentType);
        Assert.Equal("ws-abcdefghijkl", parsed.Data!.ToObjectFromJson<JsonElement>().GetProperty("workspaceId").GetString());
    }
}
