using System.Text.Json;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Workspaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Orchestrations.Tests.Agents;

/// <summary>The real ingest over real tables (Azurite): redeliveries, lost races and cached tokens.</summary>
[Collection(StorageCollection.Name)]
public sealed class AgentEventIngestorTests(TestStorage storage) : IAsyncLifetime
{
    const string Owner = "ingest-tests";
    ServiceProvider _services = null!;

    IAgentEventIngestor Ingestor => _services.GetRequiredService<IAgentEventIngestor>();
    WorkspaceStore Workspaces => _services.GetRequiredService<WorkspaceStore>();

    public async Task InitializeAsync()
    {
        string prefix = TestStorage.NewPrefix();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = storage.ConnectionString,
            ["Coder:Storage:Prefix"] = prefix,
            ["Coder:Local:DataDirectory"] = Path.Combine(Path.GetTempPath(), "coder-ingest-" + prefix),
        }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddCoderOrchestrations().BuildServiceProvider();
        await _services.GetRequiredService<CoderTables>().EnsureCreatedAsync(CancellationToken.None);
        await _services.GetRequiredService<WorkspaceSignalQueue>().EnsureCreatedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Heartbeat_RedeliveredOrOlder_IsADuplicate_WritesNothing_AndLeavesNoMarker()
    {
        var (workspaceId, token) = await SeedAsync("b1");
        string agent = AgentId(workspaceId, "b1");
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var heartbeat = Heartbeat(workspaceId, agent, 5, at, token);

        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(heartbeat, null, CancellationToken.None));
        var applied = await RowAsync(workspaceId);
        Assert.Equal((at, "connected"), (applied.LastHeartbeatAt, applied.AgentConnection));

        Assert.Equal(IngestOutcome.Duplicate, await Ingestor.IngestAsync(heartbeat, null, CancellationToken.None));
        Assert.Equal(IngestOutcome.Duplicate, await Ingestor.IngestAsync(Heartbeat(workspaceId, agent, 4, at.AddSeconds(-5), token), null, CancellationToken.None));
        var after = await RowAsync(workspaceId);
        Assert.Equal(applied.ETag, after.ETag);
        Assert.Equal(at, after.LastHeartbeatAt);
        Assert.Empty(await MarkersAsync(agent));
    }

    [Fact]
    public async Task LifecycleAndScript_Redelivered_AreAppliedOnce()
    {
        var (workspaceId, token) = await SeedAsync("b1");
        string agent = AgentId(workspaceId, "b1");
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var ready = Envelope(workspaceId, agent, 1, at, AgentEventTypes.Lifecycle, JsonSerializer.SerializeToElement(new LifecyclePayload(AgentLifecycle.Ready), CoderJsonContext.Default.LifecyclePayload), token);
        var script = Envelope(workspaceId, agent, 2, at.AddSeconds(1), AgentEventTypes.Script,
            JsonSerializer.SerializeToElement(new ScriptPayload("setup", "startup", 0, 12, false, true), CoderJsonContext.Default.ScriptPayload), token);

        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(ready, null, CancellationToken.None));
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(script, null, CancellationToken.None));
        var applied = await RowAsync(workspaceId);
        Assert.Equal(IngestOutcome.Duplicate, await Ingestor.IngestAsync(ready, null, CancellationToken.None));
        Assert.Equal(IngestOutcome.Duplicate, await Ingestor.IngestAsync(script, null, CancellationToken.None));

        var row = await RowAsync(workspaceId);
        Assert.Equal(applied.ETag, row.ETag);
        Assert.Equal("ready", row.AgentLifecycle);
        var timeline = await _services.GetRequiredService<WorkspaceTimeline>().ListAsync(workspaceId, 100, null, CancellationToken.None);
        Assert.Single(timeline, t => t.Kind == "agent.ready");
        Assert.Single(timeline, t => t.Kind == "script.startup");
        Assert.Equal([1L, 2L], await MarkersAsync(agent));
    }

    [Fact]
    public async Task ConcurrentHeartbeats_OfOneWorkspace_LoseNoUpdate_TheLatestWins()
    {
        var (workspaceId, token) = await SeedAsync("b1");
        string agent = AgentId(workspaceId, "b1");
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);

        // Sixteen writers on one row: most of them lose the ETag race at least once and must re-read, none may regress it.
        var beats = Enumerable.Range(1, 16).Select(i => Heartbeat(workspaceId, agent, i, start.AddMilliseconds(i * 10), token)).Reverse().ToArray();
        var outcomes = await Task.WhenAll(beats.Select(b => Task.Run(() => Ingestor.IngestAsync(b, null, CancellationToken.None))));

        Assert.All(outcomes, o => Assert.True(o is IngestOutcome.Applied or IngestOutcome.Duplicate, o.ToString()));
        Assert.Equal(IngestOutcome.Applied, outcomes[0]);
        Assert.Equal(start.AddMilliseconds(160), (await RowAsync(workspaceId)).LastHeartbeatAt);
    }

    [Fact]
    public async Task CachedToken_IsNeverAcceptedForAnotherWorkspace_NorAfterItsBuildIsReplaced()
    {
        var (workspaceA, tokenA) = await SeedAsync("b1");
        var (workspaceB, _) = await SeedAsync("b1");
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);

        // The first use reads the token row and caches it; every later use below is served from the cache.
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Heartbeat(workspaceA, AgentId(workspaceA, "b1"), 1, at, tokenA), null, CancellationToken.None));
        var rowB = await RowAsync(workspaceB);
        Assert.Equal(IngestOutcome.Rejected, await Ingestor.IngestAsync(Heartbeat(workspaceB, AgentId(workspaceB, "b1"), 1, at, tokenA), null, CancellationToken.None));
        Assert.Equal(rowB.ETag, (await RowAsync(workspaceB)).ETag);

        await Workspaces.MutateAsync(Owner, workspaceA, w =>
        {
            w.AgentBuild = "b2";
            return true;
        }, CancellationToken.None);
        Assert.Equal(IngestOutcome.Rejected, await Ingestor.IngestAsync(Heartbeat(workspaceA, AgentId(workspaceA, "b1"), 2, at.AddSeconds(1), tokenA), null, CancellationToken.None));
        Assert.Equal(at, (await RowAsync(workspaceA)).LastHeartbeatAt);

        string tokenB2 = await _services.GetRequiredService<AgentTokenService>().IssueAsync(workspaceA, Owner, "b2", CancellationToken.None);
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Heartbeat(workspaceA, AgentId(workspaceA, "b2"), 1, at.AddSeconds(2), tokenB2), null, CancellationToken.None));
    }

    async Task<(string WorkspaceId, string Token)> SeedAsync(string build)
    {
        string workspaceId = "ws-" + Guid.NewGuid().ToString("N")[..12];
        await Workspaces.CreateAsync(RunningWorkspaceRows.Create(Owner, workspaceId, "ingest-tests", build), CancellationToken.None);
        return (workspaceId, await _services.GetRequiredService<AgentTokenService>().IssueAsync(workspaceId, Owner, build, CancellationToken.None));
    }

    async Task<WorkspaceEntity> RowAsync(string workspaceId) => (await Workspaces.GetAsync(Owner, workspaceId, CancellationToken.None))!;

    async Task<List<long>> MarkersAsync(string agentId)
    {
        var seqs = new List<long>();
        await foreach (var marker in _services.GetRequiredService<CoderTables>().AgentSeqs.QueryAsync<AgentSeqEntity>(e => e.PartitionKey == agentId))
        {
            seqs.Add(long.Parse(marker.RowKey, System.Globalization.CultureInfo.InvariantCulture));
        }

        return seqs;
    }

    static string AgentId(string workspaceId, string build) => $"{workspaceId}-{build}-r0";

    static AgentEnvelope Heartbeat(string workspaceId, string agentId, long seq, DateTimeOffset sentAt, string token) =>
        Envelope(workspaceId, agentId, seq, sentAt, AgentEventTypes.Heartbeat, JsonSerializer.SerializeToElement(new HeartbeatPayload(null, seq), CoderJsonContext.Default.HeartbeatPayload), token);

    static AgentEnvelope Envelope(string workspaceId, string agentId, long seq, DateTimeOffset sentAt, string type, JsonElement payload, string token) =>
        new(workspaceId, agentId, seq, sentAt, type, payload, token);
}
