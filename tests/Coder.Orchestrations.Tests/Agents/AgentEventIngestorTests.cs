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
    WorkspaceAgentStore Agents => _services.GetRequiredService<WorkspaceAgentStore>();

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
        var workspaceRow = await WorkspaceRowAsync(workspaceId);

        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(heartbeat, null, CancellationToken.None));
        var applied = await RowAsync(workspaceId);
        Assert.Equal((at, "connected"), (applied.LastHeartbeatAt, applied.Connection));
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Heartbeat(workspaceId, agent, 6, at.AddSeconds(5), token), null, CancellationToken.None));
        applied = await RowAsync(workspaceId);

        // Heartbeats are observed state: the workspace row, and so its ETag, stays as it was.
        Assert.Equal(workspaceRow.ETag, (await WorkspaceRowAsync(workspaceId)).ETag);
        at = at.AddSeconds(5);

        Assert.Equal(IngestOutcome.Duplicate, await Ingestor.IngestAsync(heartbeat, null, CancellationToken.None));
        Assert.Equal(IngestOutcome.Duplicate, await Ingestor.IngestAsync(Heartbeat(workspaceId, agent, 4, at.AddSeconds(-10), token), null, CancellationToken.None));
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
        Assert.Equal("ready", row.Lifecycle);
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
        Assert.Equal(IngestOutcome.Rejected, await Ingestor.IngestAsync(Heartbeat(workspaceB, AgentId(workspaceB, "b1"), 1, at, tokenA), null, CancellationToken.None));
        Assert.Null(await Agents.GetAsync(workspaceB, CancellationToken.None));

        // A new build, recorded as EnsureWorkspaceActivity records it: on the workspace row and in the agents row.
        var replaced = (await Workspaces.MutateAsync(Owner, workspaceA, w =>
        {
            w.AgentBuild = "b2";
            return true;
        }, CancellationToken.None))!;
        await Agents.MutateAsync(replaced, null, a =>
        {
            a.ResetTo("b2");
            return true;
        }, CancellationToken.None);
        Assert.Equal(IngestOutcome.Rejected, await Ingestor.IngestAsync(Heartbeat(workspaceA, AgentId(workspaceA, "b1"), 2, at.AddSeconds(1), tokenA), null, CancellationToken.None));
        Assert.Null((await RowAsync(workspaceA)).LastHeartbeatAt);

        string tokenB2 = await _services.GetRequiredService<AgentTokenService>().IssueAsync(workspaceA, Owner, "b2", 1, CancellationToken.None);
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Heartbeat(workspaceA, AgentId(workspaceA, "b2"), 1, at.AddSeconds(2), tokenB2), null, CancellationToken.None));
    }

    [Fact]
    public async Task AgentIds_NotIssuedWithTheToken_AreRejected_AndChangeNothing()
    {
        var (workspaceId, token) = await SeedAsync("b1");
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var ready = JsonSerializer.SerializeToElement(new LifecyclePayload(AgentLifecycle.Ready), CoderJsonContext.Default.LifecyclePayload);
        var (otherWorkspace, _) = await SeedAsync("b1");

        // The token was issued for replica 0 of build b1 of this workspace only.
        foreach (string agent in new[] { $"{workspaceId}-b1-r1", $"{workspaceId}-b1-r01", $"{workspaceId}-b2-r0", AgentId(otherWorkspace, "b1"), "agent-1", $"{workspaceId}-b1-r0x" })
        {
            Assert.Equal(IngestOutcome.Rejected, await Ingestor.IngestAsync(Heartbeat(workspaceId, agent, 1, at, token), null, CancellationToken.None));
            Assert.Equal(IngestOutcome.Rejected, await Ingestor.IngestAsync(Envelope(workspaceId, agent, 2, at, AgentEventTypes.Lifecycle, ready, token), null, CancellationToken.None));
        }

        Assert.Null(await Agents.GetAsync(workspaceId, CancellationToken.None));
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Envelope(workspaceId, AgentId(workspaceId, "b1"), 2, at, AgentEventTypes.Lifecycle, ready, token), null, CancellationToken.None));
        Assert.Equal("ready", (await RowAsync(workspaceId)).Lifecycle);

        // A resize issues a token for more replicas: the new replica's id is valid with it, and still not with the first.
        string wider = await _services.GetRequiredService<AgentTokenService>().IssueAsync(workspaceId, Owner, "b1", 2, CancellationToken.None);
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Heartbeat(workspaceId, $"{workspaceId}-b1-r1", 3, at.AddSeconds(1), wider), null, CancellationToken.None));
        Assert.Equal(IngestOutcome.Rejected, await Ingestor.IngestAsync(Heartbeat(workspaceId, $"{workspaceId}-b1-r1", 4, at.AddSeconds(2), token), null, CancellationToken.None));
    }

    [Fact]
    public async Task WorkspaceRow_OfThePreviousVersion_IsReadUntilItsAgentsRowExists_AndSeedsIt()
    {
        // A row as the previous version wrote it: observed state on the workspace row, no agents row.
        string workspaceId = "ws-" + Guid.NewGuid().ToString("N")[..12];
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var legacy = RunningWorkspaceRows.Create(Owner, workspaceId, "ingest-tests", "b1");
        legacy.AgentLifecycle = "ready";
        legacy.AgentConnection = "connected";
        legacy.AgentStates = AgentStates.Serialize(new Dictionary<string, AgentReplicaState> { [AgentId(workspaceId, "b1")] = new(AgentLifecycle.Ready, null, null) });
        legacy.LastHeartbeatAt = at;
        legacy.Sessions = 2;
        legacy.CpuPercent = 12.5;
        await Workspaces.CreateAsync(legacy, CancellationToken.None);
        string token = await _services.GetRequiredService<AgentTokenService>().IssueAsync(workspaceId, Owner, "b1", 1, CancellationToken.None);

        var caller = new Coder.Orchestrations.Security.CallerIdentity(Owner, new HashSet<string> { Contracts.Auth.Roles.Member }, "test");
        var shown = (await _services.GetRequiredService<WorkspaceService>().GetAsync(caller, workspaceId, CancellationToken.None)).Value.Agent!;
        Assert.Equal((AgentLifecycle.Ready, AgentConnection.Connected, at, 2, 12.5), (shown.Lifecycle, shown.Connection, shown.LastHeartbeatAt, shown.Metrics!.Sessions, shown.Metrics.CpuPercent));

        // The first event after the upgrade moves it to the agents row, with what the workspace row said.
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Heartbeat(workspaceId, AgentId(workspaceId, "b1"), 7, at.AddSeconds(5), token), null, CancellationToken.None));
        var moved = await RowAsync(workspaceId);
        Assert.Equal(("b1", "ready", at.AddSeconds(5), 2), (moved.Build, moved.Lifecycle, moved.LastHeartbeatAt, moved.Sessions));
        Assert.Equal(legacy.AgentStates, moved.AgentStates);
    }

    async Task<(string WorkspaceId, string Token)> SeedAsync(string build)
    {
        string workspaceId = "ws-" + Guid.NewGuid().ToString("N")[..12];
        await Workspaces.CreateAsync(RunningWorkspaceRows.Create(Owner, workspaceId, "ingest-tests", build), CancellationToken.None);
        return (workspaceId, await _services.GetRequiredService<AgentTokenService>().IssueAsync(workspaceId, Owner, build, 1, CancellationToken.None));
    }

    async Task<WorkspaceAgentsEntity> RowAsync(string workspaceId) => (await Agents.GetAsync(workspaceId, CancellationToken.None))!;

    async Task<WorkspaceEntity> WorkspaceRowAsync(string workspaceId) => (await Workspaces.GetAsync(Owner, workspaceId, CancellationToken.None))!;

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
