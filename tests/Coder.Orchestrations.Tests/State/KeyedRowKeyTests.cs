using Azure;
using Azure.Data.Tables;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Agents.Metrics;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.State;

/// <summary>
/// The one-row-per-partition tables repeat the partition key as the row key (<see cref="KeyedRowKey"/>), and rows stored
/// under the old shared row key keep working: read, moved or kept, and removed with their workspace.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class KeyedRowKeyTests(TestStorage storage)
{
    readonly ManualTime _time = new(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task NewRows_RepeatThePartitionKeyAsTheRowKey()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new SecurityMetrics(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var tokens = new AgentTokenService(tables, _time, metrics, Options.Create(new SecurityOptions()), NullLogger<AgentTokenService>.Instance);
        var history = new WorkspaceMetricsHistory(tables, Options.Create(new MetricsHistoryOptions()), _time);

        await new WorkspaceAgentStore(tables, _time).SaveAsync(new WorkspaceAgentsEntity { PartitionKey = "ws-keyednew01" }, CancellationToken.None);
        string token = await tokens.IssueAsync("ws-keyednew01", "alice", "b1", 1, CancellationToken.None);
        await history.RecordAsync("ws-keyednew01", new MetricSample(_time.GetUtcNow(), 10, 20, 0, 0, 1, 512), CancellationToken.None);

        Assert.Equal(["ws-keyednew01"], await RowKeysAsync(tables.WorkspaceAgents, "ws-keyednew01"));
        Assert.Equal([TokenHasher.Hash(token)], await RowKeysAsync(tables.AgentTokens, TokenHasher.Hash(token)));
        Assert.Equal(["ws-keyednew01"], await RowKeysAsync(tables.Get(WorkspaceMetricsHistory.TableName), "ws-keyednew01"));
    }

    [Fact]
    public async Task AnAgentsRowUnderTheOldKey_IsReadMovedOnce_AndDeletedWithItsWorkspace()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        const string id = "ws-keyedold01";
        await tables.WorkspaceAgents.AddEntityAsync(new WorkspaceAgentsEntity { PartitionKey = id, RowKey = WorkspaceAgentsEntity.LegacyRow, Lifecycle = "ready", Build = "b1" });

        // Two instances read it at once: both see the row, and it is stored once under the workspace id (the old row stays
        // until the workspace goes, for a reader that missed the new key just before the move).
        var one = new WorkspaceAgentStore(tables, _time);
        var two = new WorkspaceAgentStore(tables, _time);
        var read = await Task.WhenAll(one.GetAsync(id, CancellationToken.None), two.GetAsync(id, CancellationToken.None));
        Assert.All(read, r => Assert.Equal(("ready", "b1", id), (r!.Lifecycle, r.Build, r.RowKey)));
        Assert.Equal(["", id], (await RowKeysAsync(tables.WorkspaceAgents, id)).Order(StringComparer.Ordinal));

        // Its next write goes to the moved row, under that row's ETag.
        var written = await one.MutateAsync(id, null, null, a =>
        {
            a.Lifecycle = "stopping";
            return true;
        }, CancellationToken.None);
        Assert.Equal("stopping", written!.Lifecycle);
        Assert.Equal("stopping", (await new WorkspaceAgentStore(tables, _time).GetAsync(id, CancellationToken.None))!.Lifecycle);

        // The old row goes with its workspace too, and a scan counts a workspace once, as its new row says.
        var scanned = await one.ScanAsync(CancellationToken.None);
        Assert.Equal("stopping", scanned[id].Lifecycle);
        await one.DeleteAsync(id, CancellationToken.None);
        Assert.Empty(await RowKeysAsync(tables.WorkspaceAgents, id));
        Assert.Null(await new WorkspaceAgentStore(tables, _time).GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task ATokenIssuedUnderTheOldKey_StillAuthenticates_AndIsRevokedWithItsWorkspace()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new SecurityMetrics(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var tokens = new AgentTokenService(tables, _time, metrics, Options.Create(new SecurityOptions()), NullLogger<AgentTokenService>.Instance);
        string token = await tokens.IssueAsync("ws-keyedold02", "bob", "b1", 1, CancellationToken.None);

        // Rewrite the row as an earlier version stored it: RK = "".
        string hash = TokenHasher.Hash(token);
        var row = (await tables.AgentTokens.GetEntityAsync<AgentTokenEntity>(hash, hash)).Value;
        await tables.AgentTokens.DeleteEntityAsync(hash, hash, ETag.All);
        row.RowKey = AgentTokenEntity.LegacyRowKey;
        row.ETag = default;
        await tables.AgentTokens.AddEntityAsync(row);

        var principal = await tokens.FindForWorkspaceAsync(token, "ws-keyedold02", TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(("bob", "b1"), (principal!.Owner, principal.BuildId));

        Assert.Equal(1, await tokens.RevokeWorkspaceAsync("ws-keyedold02", CancellationToken.None));
        Assert.Null(await tokens.FindForWorkspaceAsync(token, "ws-keyedold02", TimeSpan.Zero, CancellationToken.None));
        Assert.True((await tables.AgentTokens.GetEntityAsync<AgentTokenEntity>(hash, AgentTokenEntity.LegacyRowKey)).Value.Revoked);
    }

    [Fact]
    public async Task AMetricsHistoryUnderTheOldKey_IsReadAndCarriedOverByTheNextSample()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var history = new WorkspaceMetricsHistory(tables, Options.Create(new MetricsHistoryOptions()), _time);
        const string id = "ws-keyedold03";
        var start = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds() / 60 * 60);
        var sample = new MetricSample(start.AddSeconds(-60), 40, 20, 1, 0, 1, 512);
        await tables.Get(WorkspaceMetricsHistory.TableName).CreateIfNotExistsAsync();
        await tables.Get(WorkspaceMetricsHistory.TableName).AddEntityAsync(new MetricsHistoryEntity
        {
            PartitionKey = id,
            RowKey = MetricsHistoryEntity.LegacyRowKey,
            BucketSeconds = 60,
            Data = MetricsHistoryCodec.Encode([MetricBucket.First(start.AddSeconds(-60), sample)]),
        });

        Assert.Equal([40.0], (await history.ReadAsync(id, TimeSpan.FromHours(1), CancellationToken.None)).Select(b => b.CpuPercent));

        await history.RecordAsync(id, sample with { At = start, CpuPercent = 60 }, CancellationToken.None);
        Assert.Equal([40.0, 60.0], (await history.ReadAsync(id, TimeSpan.FromHours(1), CancellationToken.None)).Select(b => b.CpuPercent));
        Assert.Contains(id, await RowKeysAsync(tables.Get(WorkspaceMetricsHistory.TableName), id));

        await history.RemoveAsync(id, CancellationToken.None);
        Assert.Empty(await RowKeysAsync(tables.Get(WorkspaceMetricsHistory.TableName), id));
    }

    static async Task<List<string>> RowKeysAsync(TableClient table, string partitionKey)
    {
        var keys = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), select: ["RowKey"])) keys.Add(e.RowKey);
        return keys;
    }
}
