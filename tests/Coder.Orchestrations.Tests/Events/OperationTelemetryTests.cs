using System.Diagnostics;
using System.Text.Json;
using Azure.Messaging;
using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Events;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Coder.Orchestrations.Tests.Events;

/// <summary>
/// The activity that ends an operation, on real Table and Queue storage (Azurite) with the real DI graph, observed by
/// OpenTelemetry's in-memory exporters and by reading the local <c>coder-events</c> queue.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class OperationTelemetryTests(TestStorage storage) : IAsyncLifetime
{
    readonly string _prefix = TestStorage.NewPrefix();
    ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = storage.ConnectionString,
            ["Coder:Storage:Prefix"] = _prefix,
            ["Coder:Local:DataDirectory"] = Path.Combine(Path.GetTempPath(), "coder-telemetry-" + _prefix),
        }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddCoderOrchestrations().BuildServiceProvider();
        await _services.GetRequiredService<CoderTables>().EnsureCreatedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task ProvisionCompleted_InMemoryExporterSeesTheProvisionSpanAndDurationHistogram_AndRunningIsQueued()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(CoderTracing.SourceName).AddInMemoryExporter(spans).Build();
        using var meter = Sdk.CreateMeterProviderBuilder().AddMeter(CoderMetrics.MeterName).AddInMemoryExporter(metrics).Build();

        var startedAt = DateTimeOffset.UtcNow.AddSeconds(-42);
        var input = await SeedRunningOperationAsync(OperationKind.Provision, startedAt);
        var activity = _services.GetRequiredService<CompleteOperationActivity>();
        var completed = new CompleteOperationInput(input, DateTimeOffset.UtcNow, true, WorkspaceStatus.Running, "The workspace is running.");
        await activity.RunAsync(completed, CancellationToken.None);
        await activity.RunAsync(completed, CancellationToken.None); // a redelivery: same event id, no second span or sample

        tracer.ForceFlush();
        meter.ForceFlush();
        var span = Assert.Single(spans, s => (string?)s.GetTagItem("coder.operation.id") == input.OperationId);
        Assert.Equal("workspace.provision", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Ok, span.Status);
        Assert.InRange(span.Duration.TotalSeconds, 41, 120);

        var histogram = metrics.Last(m => m.Name == "coder.provision.duration");
        Assert.Equal("s", histogram.Unit);
        var points = new List<(long Count, double Sum)>();
        foreach (ref readonly var p in histogram.GetMetricPoints()) points.Add((p.GetHistogramCount(), p.GetHistogramSum()));
        Assert.Contains(points, p => p.Count >= 1 && p.Sum >= 41);

        var queued = await ReadQueuedAsync(input.WorkspaceId);
        Assert.Equal(2, queued.Count);
        Assert.All(queued, e => Assert.Equal(CoderEventTypes.WorkspaceRunning, e.Type));
        Assert.Equal(queued[0].Id, queued[1].Id);
    }

    [Fact]
    public async Task ProvisionFailed_CountsAnOrchestrationFailureAndQueuesFailed()
    {
        var counts = new List<Metric>();
        using var meter = Sdk.CreateMeterProviderBuilder().AddMeter(CoderMetrics.MeterName).AddInMemoryExporter(counts).Build();
        var input = await SeedRunningOperationAsync(OperationKind.Provision, DateTimeOffset.UtcNow.AddSeconds(-3));
        await _services.GetRequiredService<CompleteOperationActivity>().RunAsync(
            new CompleteOperationInput(input, DateTimeOffset.UtcNow, false, WorkspaceStatus.Failed, "boom", "boom", "agent_exited"), CancellationToken.None);

        meter.ForceFlush();
        var failures = counts.Last(m => m.Name == "coder.orchestration.failures");
        long provisionFailures = 0;
        foreach (ref readonly var p in failures.GetMetricPoints())
        {
            foreach (var tag in p.Tags)
            {
                if (tag.Key == "orchestration" && (string?)tag.Value == "provision") provisionFailures += p.GetSumLong();
            }
        }

        Assert.True(provisionFailures >= 1);
        var queued = Assert.Single(await ReadQueuedAsync(input.WorkspaceId));
        Assert.Equal(CoderEventTypes.WorkspaceFailed, queued.Type);
    }

    async Task<WorkspaceOperationInput> SeedRunningOperationAsync(OperationKind kind, DateTimeOffset startedAt)
    {
        string id = Ids.NewWorkspaceId();
        string operationId = Ids.OperationId(id, 1, WireNames.Of(kind));
        await _services.GetRequiredService<WorkspaceStore>().CreateAsync(new WorkspaceEntity
        {
            PartitionKey = "alice", RowKey = id, Name = "n" + id[3..], Template = "t", TemplateVersion = 1, Cpu = 1, MemoryMiB = 512,
            Status = "provisioning", OperationId = operationId, OperationKind = WireNames.Of(kind), OperationGeneration = 1, CreatedAt = startedAt, UpdatedAt = startedAt,
        }, CancellationToken.None);
        await _services.GetRequiredService<OperationStore>().CreateAsync(new OperationEntity
        {
            PartitionKey = operationId, Kind = WireNames.Of(kind), WorkspaceId = id, Owner = "alice", Status = "running", Actor = "user:alice", StartedAt = startedAt, LastProgressAt = startedAt,
        }, CancellationToken.None);
        return new WorkspaceOperationInput(id, "alice", operationId, kind, "user:alice", "user_request");
    }

    async Task<List<CloudEvent>> ReadQueuedAsync(string workspaceId)
    {
        var factory = _services.GetRequiredService<StorageClientFactory>();
        var queue = factory.CreateQueueServiceClient().GetQueueClient(_prefix + EventQueueNames.CoderEvents);
        var messages = (await queue.PeekMessagesAsync(32)).Value;
        return messages
            .Select(m => CloudEvent.Parse(m.Body, skipValidation: false)!)
            .Where(e => e.Source == WorkspaceLifecycleEvents.SourceOf(workspaceId))
            .ToList();
    }
}
