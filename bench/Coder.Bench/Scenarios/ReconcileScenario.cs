using System.Diagnostics;
using Azure.Data.Tables;
using Coder.Contracts.Templates;
using Coder.Local.Storage;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Reconciliation;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Workspaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Coder.Bench.Scenarios;

/// <summary>
/// One reconcile pass over a converged fleet of 1,000 and 10,000 workspaces in Azurite, against a bare paged scan of the
/// same Workspaces table in the same run (the floor any pass must pay). Target: the pass within 2× the scan.
/// </summary>
public sealed class ReconcileScenario : IBenchmarkScenario
{
    const int PerOwner = 100;

    public string Name => "reconcile";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        await using var azurite = context.StorageConnectionString is null ? await EmbeddedAzurite.StartAsync(Path.Combine(context.ScratchDirectory, "azurite"), cancellationToken) : null;
        string connection = context.StorageConnectionString ?? azurite!.ConnectionString;
        var results = new List<ScenarioResult>();
        double? passAtSmall = null;
        foreach (int size in new[] { 1_000, 10_000 })
        {
            var (pass, scan) = await MeasureAsync(connection, context.ScratchDirectory, size, context.Quick ? 2 : 5, cancellationToken);
            results.Add(new ScenarioResult(Name, $"pass over {size:N0} workspaces", pass, "ms", "bare paged scan", scan, scan / pass, "ratio >= 0.5 (pass within 2x the scan)",
                passAtSmall is { } small ? $"{pass / small:0.0}x the 1,000-workspace pass for 10x the workspaces" : null, scan / pass >= 0.5));
            passAtSmall ??= pass;
        }

        return results;
    }

    static async Task<(double PassMs, double ScanMs)> MeasureAsync(string connection, string scratch, int size, int rounds, CancellationToken cancellationToken)
    {
        string prefix = "bench" + Guid.NewGuid().ToString("N")[..6];
        var now = DateTimeOffset.UtcNow;
        var inventory = new List<InventoryItem>();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = connection,
            ["Coder:Storage:Prefix"] = prefix,
            ["Coder:Local:DataDirectory"] = Path.Combine(scratch, prefix),

            // Seeding 10,000 rows takes longer than a heartbeat interval; the fleet must stay converged while it is measured.
            ["Coder:Agent:HeartbeatOverrideSeconds"] = "86400",
        }).Build());
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddCoderOrchestrations();

        // Only the seeded platform answers inventory: the local one would add a /proc walk whose cost depends on
        // whatever else runs on the machine, not on the fleet.
        services.RemoveAll<IWorkspaceProvisioner>();
        services.AddSingleton<IWorkspaceProvisioner>(new InventoryOnlyProvisioner(inventory));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<CoderTables>().EnsureCreatedAsync(cancellationToken);
        await provider.GetRequiredService<TemplateStore>().CreateAsync(new TemplateSpec
        {
            Name = "bench",
            Provisioner = InventoryOnlyProvisioner.ProvisionerName,
            Resources = new TemplateResources(1, 512),
            Limits = new TemplateLimits(2, 1024, 1),
            Idle = new IdlePolicy(StopAfterMinutes: 600),
        }, "bench", cancellationToken);
        await SeedAsync(provider.GetRequiredService<CoderTables>().Workspaces, size, now, inventory, cancellationToken);

        var store = provider.GetRequiredService<WorkspaceStore>();
        var reconciler = provider.GetRequiredService<ReconcilerService>();
        var passTimes = new List<double>();
        var scanTimes = new List<double>();
        await ScanAsync(store, size, cancellationToken);
        for (int round = 0; round < rounds; round++)
        {
            var sw = Stopwatch.StartNew();
            await ScanAsync(store, size, cancellationToken);
            scanTimes.Add(sw.Elapsed.TotalMilliseconds);

            // A converged fleet needs no durable client: the pass plans nothing, so it starts nothing.
            sw.Restart();
            var outcome = await reconciler.RunPassAsync("bench", null!, nextOccurrence: null, cancellationToken);
            passTimes.Add(sw.Elapsed.TotalMilliseconds);
            if (outcome.Planned.Count != 0) throw new InvalidOperationException($"The benchmark fleet should be converged, but the pass planned {outcome.Planned.Count} actions, e.g. {outcome.Planned[0]}.");
        }

        return (Median(passTimes), Median(scanTimes));
    }

    /// <summary>Half the fleet runs (with a resource in the inventory and a fresh heartbeat), half is stopped.</summary>
    static async Task SeedAsync(TableClient table, int size, DateTimeOffset now, List<InventoryItem> inventory, CancellationToken cancellationToken)
    {
        for (int owner = 0; owner * PerOwner < size; owner++)
        {
            var batch = new List<TableTransactionAction>();
            for (int i = 0; i < PerOwner && owner * PerOwner + i < size; i++)
            {
                string id = $"ws-bench{owner:D4}{i:D3}";
                bool running = i % 2 == 0;
                batch.Add(new TableTransactionAction(TableTransactionActionType.Add, new WorkspaceEntity
                {
                    PartitionKey = $"user{owner:D4}",
                    RowKey = id,
                    Name = id,
                    Template = "bench",
                    TemplateVersion = 1,
                    Provisioner = InventoryOnlyProvisioner.ProvisionerName,
                    Cpu = 1,
                    MemoryMiB = 512,
                    DesiredState = running ? DesiredStates.Running : DesiredStates.Stopped,
                    Status = running ? "running" : "stopped",
                    AgentBuild = "b1",
                    BuildStartedAt = now,
                    AgentLifecycle = running ? "ready" : "off",
                    AgentConnection = running ? "connected" : "disconnected",
                    LastHeartbeatAt = now,
                    Sessions = 1,
                    LastActivityAt = now,
                    CreatedAt = now,
                    UpdatedAt = now,
                    CreatedBy = "bench",
                }));
                if (running) inventory.Add(new InventoryItem(InventoryOnlyProvisioner.ProvisionerName, id, "bench/" + id, true, 1, "b1", new Dictionary<string, string> { [ProvisionerTags.WorkspaceId] = id }));
            }

            await table.SubmitTransactionAsync(batch, cancellationToken);
        }
    }

    static async Task ScanAsync(WorkspaceStore store, int expected, CancellationToken cancellationToken)
    {
        int count = 0;
        await foreach (var _ in store.ScanAsync(cancellationToken)) count++;
        if (count != expected) throw new InvalidOperationException($"The scan read {count} workspaces, expected {expected}.");
    }

    static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
