using System.Text.Json;
using Coder.Contracts.Agents;
using Coder.Contracts.Auth;
using Coder.Contracts.Json;
using Coder.Contracts.Templates;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Tests.Security;
using Coder.Orchestrations.Workspaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Coder.Orchestrations.Tests.StorageCalls;

/// <summary>
/// The storage calls of a fleet's steady traffic (docs/storage-calls.md), counted on the real DI graph and Azurite: what
/// one agent's heartbeat POST and manifest poll cost (POST /api/agent/events answers with the config version, then the
/// ingest), what a metrics sample costs, and what a page of GET /api/workspaces reads. Two instances on one storage
/// (two service providers) write the same agent's rows: a stale memory costs a read and loses no update.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class AgentIngestStorageCallsTests(TestStorage storage, ITestOutputHelper output) : IAsyncLifetime
{
    readonly string _prefix = TestStorage.NewPrefix();
    readonly ManualTime _time = new(DateTimeOffset.UtcNow);
    readonly List<ServiceProvider> _hosts = [];
    StorageCallRecorder _recorder = null!;

    static readonly Dictionary<string, int> HeartbeatBudget = new(StringComparer.Ordinal)
    {
        ["Table WorkspaceAgents replace (ETag)"] = 1, // under the ETag of this instance's last write: no read first
    };

    static readonly Dictionary<string, int> MetricsBudget = new(StringComparer.Ordinal)
    {
        ["Table AgentSeqs read"] = 1, // the redelivery marker
        ["Table WorkspaceAgents replace (ETag)"] = 1,
        ["Table WorkspaceMetrics replace (ETag)"] = 1, // the history row, under this instance's last write's ETag
        ["Table AgentSeqs upsert"] = 1,
    };

    static readonly Dictionary<string, int> ListBudget = new(StringComparer.Ordinal)
    {
        ["Table Workspaces query"] = 1, // the page; its agents rows are the ones ingest just wrote here
    };

    public Task InitializeAsync()
    {
        _recorder = new StorageCallRecorder(_prefix, storage.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }

    ServiceProvider NewHost()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = storage.ConnectionString,
            ["Coder:Storage:Prefix"] = _prefix,
            ["Coder:Local:DataDirectory"] = Path.Combine(Path.GetTempPath(), "coder-ingest-calls-" + _prefix),
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddSingleton<TimeProvider>(_time).AddLogging().AddCoderOrchestrations();
        services.AddSingleton(new StoragePipelinePolicies([_recorder]));
        var host = services.BuildServiceProvider();
        _hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task AHeartbeatCostsOneConditionalWrite_AMetricsSampleFour_AndAListPageNoAgentsReads()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = deadline.Token;
        var host = NewHost();
        await host.GetRequiredService<CoderTables>().EnsureCreatedAsync(ct);
        var (workspace, token, agentId) = await SeedRunningAsync(host, "alice", ct);

        // Warm: the token, the workspace row and the agents row as a running host knows them after one round.
        await PostAsync(host, Envelope(workspace, agentId, 1, AgentEventTypes.Heartbeat, new { }), token, ct);
        await PostAsync(host, Metrics(workspace, agentId, 2), token, ct);

        // One heartbeat interval later (5 s, the default): past the token cache's time, within AgentReuseWindow's two intervals.
        _time.Advance(TimeSpan.FromSeconds(5));
        _recorder.Start();
        Assert.Equal(IngestOutcome.Applied, await PostAsync(host, Envelope(workspace, agentId, 3, AgentEventTypes.Heartbeat, new { }), token, ct));
        Assert.NotNull(await host.GetRequiredService<AgentManifestService>().CurrentVersionAsync(token, ct)); // the poll that follows
        var heartbeat = _recorder.Stop();
        Report("heartbeat POST and manifest poll", heartbeat);

        // Still within the window (9 s of 10): the token and workspace rows are read again once per window, not per event.
        _time.Advance(TimeSpan.FromSeconds(4));
        _recorder.Start();
        Assert.Equal(IngestOutcome.Applied, await PostAsync(host, Metrics(workspace, agentId, 4), token, ct));
        var metrics = _recorder.Stop();
        Report("metrics POST", metrics);

        var caller = new CallerIdentity("alice", new HashSet<string>([Roles.Member]), "test");
        await host.GetRequiredService<WorkspaceService>().ListAsync(caller, null, null, null, ct); // warms the template
        _recorder.Start();
        var page = await host.GetRequiredService<WorkspaceService>().ListAsync(caller, null, null, null, ct);
        var list = _recorder.Stop();
        Report("GET /api/workspaces", list);

        AssertWithin("heartbeat", HeartbeatBudget, heartbeat);
        AssertWithin("metrics", MetricsBudget, metrics);
        AssertWithin("list", ListBudget, list);

        // What the page shows is what ingest stored: the heartbeat's time and the sample's CPU.
        var row = await host.GetRequiredService<WorkspaceAgentStore>().GetAsync(workspace, ct);
        Assert.Equal(12.5, row!.CpuPercent);
        var shown = Assert.Single(page.Items);
        Assert.Equal(12.5, shown.Agent.Metrics.CpuPercent);
    }

    [Fact]
    public async Task TwoInstancesIngestingOneAgent_EachStaleMemoryCostsARead_AndNoUpdateIsLost()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = deadline.Token;
        var a = NewHost();
        await a.GetRequiredService<CoderTables>().EnsureCreatedAsync(ct);
        var b = NewHost();
        var (workspace, token, agentId) = await SeedRunningAsync(a, "bob", ct);

        long seq = 0;
        async Task<DateTimeOffset> BeatAsync(ServiceProvider host)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            var sentAt = _time.GetUtcNow();
            Assert.Equal(IngestOutcome.Applied, await PostAsync(host, Envelope(workspace, agentId, ++seq, AgentEventTypes.Heartbeat, new { }), token, ct));
            return sentAt;
        }

        await BeatAsync(a);
        await BeatAsync(b);

        // A's memory is B's write behind: its conditional write fails, it reads, and writes on top.
        _recorder.Start();
        var last = await BeatAsync(a);
        var calls = _recorder.Stop();
        Report("heartbeat on A after B's", calls);
        Assert.Equal(2, calls.GetValueOrDefault("Table WorkspaceAgents replace (ETag)"));
        Assert.Equal(1, calls.GetValueOrDefault("Table WorkspaceAgents read"));
        Assert.Equal(last, (await b.GetRequiredService<WorkspaceAgentStore>().GetAsync(workspace, ct))!.LastHeartbeatAt);

        // An earlier heartbeat arriving late at B changes nothing (the row already says later), and B's stale memory is read over.
        var late = Envelope(workspace, agentId, ++seq, AgentEventTypes.Heartbeat, new { }) with { SentAt = last - TimeSpan.FromSeconds(2) };
        Assert.Equal(IngestOutcome.Duplicate, await PostAsync(b, late, token, ct));
        Assert.Equal(last, (await a.GetRequiredService<WorkspaceAgentStore>().GetAsync(workspace, ct))!.LastHeartbeatAt);

        // Deleted on A: B's remembered row is gone, and B's next heartbeat is refused, not an error, and writes nothing back.
        await a.GetRequiredService<WorkspaceAgentStore>().DeleteAsync(workspace, ct);
        await a.GetRequiredService<WorkspaceStore>().MutateAsync("bob", workspace, w =>
        {
            w.Status = WireNames.Of(WorkspaceStatus.Deleted);
            return true;
        }, ct);
        _time.Advance(TimeSpan.FromSeconds(30)); // past B's reuse window: B reads the token and workspace rows again
        Assert.Equal(IngestOutcome.Rejected, await PostAsync(b, Envelope(workspace, agentId, ++seq, AgentEventTypes.Heartbeat, new { }), token, ct));
        Assert.Null(await a.GetRequiredService<WorkspaceAgentStore>().GetAsync(workspace, ct));
    }

    /// <summary>What POST /api/agent/events does for a batch of one: the config version for the reply, then the ingest.</summary>
    static async Task<IngestOutcome> PostAsync(ServiceProvider host, AgentEnvelope envelope, string token, CancellationToken ct)
    {
        if (await host.GetRequiredService<AgentManifestService>().CurrentVersionAsync(token, ct) is null) return IngestOutcome.Rejected;
        return await host.GetRequiredService<IAgentEventIngestor>().IngestAsync(envelope, token, ct);
    }

    AgentEnvelope Envelope(string workspace, string agentId, long seq, string type, object payload) =>
        new(workspace, agentId, seq, _time.GetUtcNow(), type, JsonSerializer.SerializeToElement(payload));

    AgentEnvelope Metrics(string workspace, string agentId, long seq) =>
        new(workspace, agentId, seq, _time.GetUtcNow(), AgentEventTypes.Metrics,
            JsonSerializer.SerializeToElement(new MetricsPayload { CpuPercent = 12.5, MemoryPercent = 40, MemoryBytes = 1 << 28, Replica = "0" }, CoderJsonContext.Default.MetricsPayload));

    /// <summary>A running workspace whose agent is ready and connected, as a provision leaves it.</summary>
    async Task<(string Workspace, string Token, string AgentId)> SeedRunningAsync(ServiceProvider host, string owner, CancellationToken ct)
    {
        await host.GetRequiredService<TemplateStore>().CreateAsync(new TemplateSpec
        {
            Name = "ingest-" + owner,
            Provisioner = "local",
            Resources = new TemplateResources(1, 512),
            Limits = new TemplateLimits(2, 1024, 1),
        }, "test", ct);
        var now = _time.GetUtcNow();
        string id = Ids.NewWorkspaceId(), build = Ids.NewBuildId();
        await host.GetRequiredService<WorkspaceStore>().CreateAsync(new WorkspaceEntity
        {
            PartitionKey = owner,
            RowKey = id,
            Name = "ingest",
            Template = "ingest-" + owner,
            TemplateVersion = 1,
            Provisioner = "local",
            Cpu = 1,
            MemoryMiB = 512,
            Replicas = 1,
            DesiredState = DesiredStates.Running,
            Status = WireNames.Of(WorkspaceStatus.Running),
            AgentBuild = build,
            BuildStartedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = "test",
        }, ct);
        string token = await host.GetRequiredService<AgentTokenService>().IssueAsync(id, owner, build, 1, ct);
        await host.GetRequiredService<WorkspaceAgentStore>().SaveAsync(new WorkspaceAgentsEntity
        {
            PartitionKey = id,
            Build = build,
            Lifecycle = "ready",
            Connection = "connected",
            LastHeartbeatAt = now,
        }, ct);
        return (id, token, AgentIds.For(id, build, 0));
    }

    void Report(string what, SortedDictionary<string, int> calls)
    {
        output.WriteLine($"{what}: {calls.Values.Sum()} calls");
        foreach (var (call, count) in calls) output.WriteLine($"  {count} × {call}");
    }

    static void AssertWithin(string what, Dictionary<string, int> budget, SortedDictionary<string, int> calls)
    {
        var over = calls.Where(c => c.Value > budget.GetValueOrDefault(c.Key)).Select(c => $"{c.Key}: {c.Value} (budget {budget.GetValueOrDefault(c.Key)})").ToList();
        Assert.True(over.Count == 0, $"{what} makes more storage calls than docs/storage-calls.md documents: {string.Join("; ", over)}");
    }
}
