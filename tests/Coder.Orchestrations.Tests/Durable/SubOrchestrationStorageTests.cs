using System.Text.Json;
using Coder.Local.Durable;
using Coder.Local.Hosting;
using DurableTask.AzureStorage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Orchestrations.Tests.Durable;

/// <summary>
/// Sub-orchestrations on the local host's real durable engine (the sidecar over Azure Storage on Azurite): the child
/// starts (its start message, tags and all, deserializes from the control queue), and the parent's history, with the
/// child's created event in it, reloads from the history table, in the parent's next episodes and from a fresh provider.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class SubOrchestrationStorageTests(TestStorage storage)
{
    [Fact]
    public async Task ParentWithTaggedSubOrchestrations_CompletesAndItsHistoryReloads()
    {
        string hub = LocalHostNames.TaskHub(TestStorage.NewPrefix(), "sub");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string instanceId = "parent-" + Guid.NewGuid().ToString("N")[..8];

        await using (var sidecar = await DurableSidecar.StartAsync(storage.ConnectionString, new DurableSidecarOptions { TaskHub = hub, PartitionCount = 1 }, NullLoggerFactory.Instance, deadline.Token))
        {
            using var host = BuildWorkerHost(sidecar);
            await host.StartAsync(deadline.Token);
            try
            {
                var client = host.Services.GetRequiredService<DurableTaskClient>();
                await client.ScheduleNewOrchestrationInstanceAsync(nameof(TaggedChildrenParentOrchestrator), "ws-1", new StartOrchestrationOptions(instanceId), deadline.Token);
                var done = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, deadline.Token);

                Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
                Assert.Equal("first:ws-1+second:ws-1", done.ReadOutputAs<string>());
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }

        // A provider that never saw the instance reads its history back: every row, the children's created events included.
        var fresh = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hub,
            StorageAccountClientProvider = new StorageAccountClientProvider(storage.ConnectionString),
        });
        string history = await fresh.GetOrchestrationHistoryAsync(instanceId, executionId: null);
        var created = JsonDocument.Parse(history).RootElement.EnumerateArray()
            .Where(e => e.TryGetProperty("InstanceId", out var child) && child.ValueKind == JsonValueKind.String && child.GetString()!.StartsWith(instanceId + "-", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, created.Count);
        Assert.All(created, e => Assert.Equal(nameof(EchoChildOrchestrator), e.GetProperty("Name").GetString()));
        Assert.Equal([$"{instanceId}-first", $"{instanceId}-second"], created.Select(e => e.GetProperty("InstanceId").GetString()));
    }

    static IHost BuildWorkerHost(DurableSidecar sidecar)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(sidecar.CreateChannel());
            worker.AddTasks(registry => registry.AddOrchestrator<TaggedChildrenParentOrchestrator>().AddOrchestrator<EchoChildOrchestrator>());
        });
        builder.Services.AddDurableTaskClient(client => client.UseGrpc(sidecar.CreateChannel()));
        return builder.Build();
    }
}
