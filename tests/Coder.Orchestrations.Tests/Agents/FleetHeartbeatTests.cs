using Coder.Contracts.Templates;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Secrets;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Orchestrations.Tests.Agents;

/// <summary>
/// The heartbeat interval the control plane hands out grows with the fleet (a budget of heartbeats per second), reaches
/// agents through the manifest's config version, and is what liveness is judged by; the version cache that answers polls
/// never hides a change of the interval or of the owner's secrets.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class FleetHeartbeatTests(TestStorage storage) : IAsyncLifetime
{
    const string Owner = "fleet-tests";
    ServiceProvider _services = null!;

    [Theory]
    [InlineData(0, 0)]
    [InlineData(500, 0)]      // 500 agents at 5 s: 100/s, inside the budget
    [InlineData(501, 1)]      // 10 s
    [InlineData(1_000, 1)]
    [InlineData(2_000, 2)]    // 20 s: 100/s
    [InlineData(4_000, 3)]    // 40 s
    [InlineData(100_000, 4)]  // capped at 60 s
    public void Step_DoublesTheIntervalUntilTheFleetFitsTheBudget_UpToTheCap(int liveAgents, int expected)
    {
        int step = AdaptiveHeartbeat.NextStep(liveAgents, baseSeconds: 5, budgetPerSecond: 100, maxSeconds: 60, current: 0);
        Assert.Equal(expected, step);
        Assert.True(liveAgents / (double)Math.Max(5, AdaptiveHeartbeat.FloorSeconds(step, 5, 60)) <= 100 || AdaptiveHeartbeat.FloorSeconds(step, 5, 60) == 60);
    }

    [Fact]
    public void Step_ComesDownOneStepAtATime_AndOnlyWithHeadroom()
    {
        // At 20 s; the fleet shrinks to 900: 10 s would carry 90/s, over 80 % of the budget, so 20 s stays.
        Assert.Equal(2, AdaptiveHeartbeat.NextStep(900, 5, 100, 60, current: 2));

        // At 790 it fits 10 s with room to spare: one step down, never straight to 5 s, even for an empty fleet.
        Assert.Equal(1, AdaptiveHeartbeat.NextStep(790, 5, 100, 60, current: 2));
        Assert.Equal(1, AdaptiveHeartbeat.NextStep(0, 5, 100, 60, current: 2));
        Assert.Equal(0, AdaptiveHeartbeat.NextStep(0, 5, 100, 60, current: 1));

        // A budget of 0 turns the adaptation off.
        Assert.Equal(0, AdaptiveHeartbeat.NextStep(1_000_000, 5, 0, 60, current: 3));
    }

    [Fact]
    public async Task Manifest_HandsOutALongerInterval_AsTheFleetGrows_AndLivenessIsJudgedByIt()
    {
        var manifests = _services.GetRequiredService<AgentManifestService>();
        var heartbeat = _services.GetRequiredService<FleetHeartbeat>();
        var (_, token) = await SeedAsync(connected: true);

        var before = (await manifests.GetAsync(token, CancellationToken.None))!;
        Assert.Equal(5, before.Intervals.HeartbeatSeconds);
        Assert.Equal(before.ConfigVersion, await manifests.CurrentVersionAsync(token, CancellationToken.None));

        // Twelve more live agents: 13 at 5 s is 2.6/s against a budget of 1/s, so 20 s (0.65/s).
        for (int i = 0; i < 12; i++) await SeedAsync(connected: true);

        // The poll sees a new version at once (the agent re-fetches), and the manifest carries the new interval.
        string? polled = await manifests.CurrentVersionAsync(token, CancellationToken.None);
        Assert.NotEqual(before.ConfigVersion, polled);
        var after = (await manifests.GetAsync(token, CancellationToken.None))!;
        Assert.Equal(20, after.Intervals.HeartbeatSeconds);
        Assert.Equal(polled, after.ConfigVersion);
        Assert.Equal(13, heartbeat.LiveAgents);

        // The reconciler and the rollout check judge an agent as silent only after intervals of what it was handed.
        Assert.Equal(20, await heartbeat.LivenessSecondsAsync(null, CancellationToken.None));

        // A template that asks for more than the floor keeps its own interval.
        Assert.Equal(45, await heartbeat.HeartbeatSecondsAsync(45, CancellationToken.None));
    }

    [Fact]
    public async Task CachedVersion_MovesWithTheOwnersSecrets()
    {
        var manifests = _services.GetRequiredService<AgentManifestService>();
        var (_, token) = await SeedAsync(connected: true);
        string? first = await manifests.CurrentVersionAsync(token, CancellationToken.None);
        Assert.Equal(first, await manifests.CurrentVersionAsync(token, CancellationToken.None));

        await _services.GetRequiredService<SecretStore>().SetAsync(Owner, "FLEET_TOKEN", "s3cret", CancellationToken.None);
        string? second = await manifests.CurrentVersionAsync(token, CancellationToken.None);
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await manifests.GetAsync(token, CancellationToken.None))!.ConfigVersion);
        Assert.Null(await manifests.CurrentVersionAsync("cda_not-a-token", CancellationToken.None));
    }

    public async Task InitializeAsync()
    {
        string prefix = TestStorage.NewPrefix();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = storage.ConnectionString,
            ["Coder:Storage:Prefix"] = prefix,
            ["Coder:Local:DataDirectory"] = Path.Combine(Path.GetTempPath(), "coder-fleet-" + prefix),

            // A budget of one heartbeat a second, counted on every call: a dozen agents show what 2,000 do to 100/s.
            ["Coder:Agent:FleetHeartbeatsPerSecond"] = "1",
            ["Coder:Agent:FleetCountSeconds"] = "0",
        }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddCoderOrchestrations().BuildServiceProvider();
        await _services.GetRequiredService<CoderTables>().EnsureCreatedAsync(CancellationToken.None);
        await _services.GetRequiredService<TemplateStore>().CreateAsync(new TemplateSpec
        {
            Name = "fleet",
            Provisioner = "local",
            Resources = new TemplateResources(1, 512),
            Limits = new TemplateLimits(2, 1024, 1),
        }, Owner, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    async Task<(string WorkspaceId, string Token)> SeedAsync(bool connected)
    {
        string workspaceId = "ws-" + Guid.NewGuid().ToString("N")[..12];
        await _services.GetRequiredService<WorkspaceStore>().CreateAsync(RunningWorkspaceRows.Create(Owner, workspaceId, "fleet", "b1"), CancellationToken.None);
        await _services.GetRequiredService<WorkspaceAgentStore>().SaveAsync(new WorkspaceAgentsEntity
        {
            PartitionKey = workspaceId,
            Build = "b1",
            Lifecycle = "ready",
            Connection = connected ? "connected" : "disconnected",
            LastHeartbeatAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None);
        return (workspaceId, await _services.GetRequiredService<AgentTokenService>().IssueAsync(workspaceId, Owner, "b1", 1, CancellationToken.None));
    }
}
