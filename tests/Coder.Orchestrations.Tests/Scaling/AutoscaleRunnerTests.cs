using System.Text.Json;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Agents.Metrics;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Scaling;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Timeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Orchestrations.Tests.Scaling;

/// <summary>
/// One autoscale pass over real tables (Azurite) with the real services: what it records on the timeline and what it leaves
/// alone. Dry-run needs no durable client because it must never start anything; the pass gets none, so acting would fail.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class AutoscaleRunnerTests(TestStorage storage)
{
    [Fact]
    public async Task DryRun_RecordsTheDecisionWithItsNumbers_AndChangesNothing()
    {
        using var services = Services();
        var workspace = await SeedAsync(services, "\"dry-run\"", cpuPercent: 95);

        var pass = await services.GetRequiredService<AutoscaleRunner>().RunOnceAsync(null!, CancellationToken.None);

        Assert.Equal(new AutoscalePassResult(1, 0), pass);
        var entry = Assert.Single(await Autoscale(services, workspace.RowKey));
        Assert.Equal("autoscale.dry-run", entry.Kind);
        Assert.Equal(AutoscaleReasons.HighCpu, entry.Reason);
        Assert.Equal(AutoscaleRunner.Actor, entry.Actor);
        Assert.Null(entry.OperationId);
        Assert.Contains("Dry run, nothing changed.", entry.Message);
        Assert.Contains("1 → 1.6 CPU", entry.Message);
        var after = (await services.GetRequiredService<WorkspaceStore>().GetAsync(workspace.PartitionKey, workspace.RowKey, CancellationToken.None))!;
        Assert.Equal(1, after.Cpu);
        Assert.Null(after.OperationId);
        Assert.Equal("running", after.Status);
    }

    [Fact]
    public async Task SteadyLoad_IsRecordedOnce_NotEveryPeriod()
    {
        using var services = Services();
        var workspace = await SeedAsync(services, "true", cpuPercent: 55);
        var runner = services.GetRequiredService<AutoscaleRunner>();

        await runner.RunOnceAsync(null!, CancellationToken.None);
        await runner.RunOnceAsync(null!, CancellationToken.None);

        var entry = Assert.Single(await Autoscale(services, workspace.RowKey));
        Assert.Equal("autoscale.none", entry.Kind);
        Assert.Equal(AutoscaleReasons.WithinTarget, entry.Reason);
        Assert.Contains("55%", entry.Message);
    }

    ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = storage.ConnectionString,
            ["Coder:Storage:Prefix"] = TestStorage.NewPrefix(),
            ["Coder:Local:DataDirectory"] = Path.Combine(Path.GetTempPath(), "coder-autoscale-" + Guid.NewGuid().ToString("N")[..8]),
            ["Coder:Scaling:BucketSeconds"] = "5",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddCoderOrchestrations();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return services.BuildServiceProvider();
    }

    /// <summary>A running workspace at 1 CPU on an autoscaled template, with two minutes of metrics at one CPU percent.</summary>
    static async Task<WorkspaceEntity> SeedAsync(IServiceProvider services, string enabled, double cpuPercent)
    {
        await services.GetRequiredService<CoderTables>().EnsureCreatedAsync(CancellationToken.None);
        string template = "auto-" + Guid.NewGuid().ToString("N")[..6];
        await services.GetRequiredService<TemplateStore>().CreateAsync(new TemplateSpec
        {
            Name = template,
            Provisioner = "local",
            Resources = new TemplateResources(1, 512),
            Limits = new TemplateLimits(2, 1024, 1),
            Autoscale = new AutoscaleSpec { Enabled = JsonDocument.Parse(enabled).RootElement, TargetCpuPercent = 60, ScaleUpAfterSeconds = 30, ScaleDownAfterSeconds = 600 },
        }, "test", CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var workspace = new WorkspaceEntity
        {
            PartitionKey = "user-" + Guid.NewGuid().ToString("N")[..6],
            RowKey = Ids.NewWorkspaceId(),
            Name = "dev",
            Template = template,
            TemplateVersion = 1,
            Cpu = 1,
            MemoryMiB = 512,
            Status = "running",
            CreatedAt = now,
            UpdatedAt = now,
        };
        await services.GetRequiredService<WorkspaceStore>().CreateAsync(workspace, CancellationToken.None);
        var history = services.GetRequiredService<WorkspaceMetricsHistory>();
        for (int s = 120; s >= 0; s -= 5)
        {
            await history.RecordAsync(workspace.RowKey, new MetricSample(now.AddSeconds(-s), cpuPercent, 70, 0, 0, 1, 512), CancellationToken.None);
        }

        return workspace;
    }

    static async Task<List<Contracts.Workspaces.WorkspaceEventView>> Autoscale(IServiceProvider services, string workspaceId) =>
        (await services.GetRequiredService<WorkspaceTimeline>().ListAsync(workspaceId, 100, "autoscale.", CancellationToken.None)).ToList();
}
