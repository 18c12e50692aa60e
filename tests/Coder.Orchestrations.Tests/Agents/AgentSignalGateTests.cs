using System.Text.Json;
using Azure.Storage.Queues;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Tests.Provisioning;
using Coder.Orchestrations.Workspaces.Activities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Orchestrations.Tests.Agents;

/// <summary>
/// When ingest signals an operation about its agents, on real tables and queues with a real agent process: only after the
/// operation's check has read them as not done (so it is about to wait), and never again after the operation ended.
/// </summary>
[Collection(StorageCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentSignalGateTests(TestStorage storage) : IAsyncLifetime
{
    const string Owner = "gate-tests";
    const string Build = "b1";
    readonly string _data = Path.Combine(Path.GetTempPath(), "coder-gate-tests", Guid.NewGuid().ToString("N")[..8]);
    readonly string _workspaceId = "ws-" + Guid.NewGuid().ToString("N")[..12];
    ServiceProvider _services = null!;
    QueueClient _signals = null!;

    WorkspaceStore Workspaces => _services.GetRequiredService<WorkspaceStore>();
    WorkspaceAgentStore Agents => _services.GetRequiredService<WorkspaceAgentStore>();
    IAgentEventIngestor Ingestor => _services.GetRequiredService<IAgentEventIngestor>();

    public async Task InitializeAsync()
    {
        string prefix = TestStorage.NewPrefix();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = storage.ConnectionString,
            ["Coder:Storage:Prefix"] = prefix,
            ["Coder:Local:DataDirectory"] = _data,
            ["Coder:Local:AgentPath"] = AgentBuildOutput.Dll(),
            ["Coder:Local:StopTimeoutSeconds"] = "2",
        }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddCoderOrchestrations().BuildServiceProvider();
        await _services.GetRequiredService<CoderTables>().EnsureCreatedAsync(CancellationToken.None);
        await _services.GetRequiredService<WorkspaceSignalQueue>().EnsureCreatedAsync(CancellationToken.None);
        _signals = _services.GetRequiredService<StorageClientFactory>().CreateQueueServiceClient().GetQueueClient(prefix + QueueNames.WorkspaceSignals);
    }

    public async Task DisposeAsync()
    {
        await _services.GetRequiredService<ProvisionerRegistry>().Get("local").DestroyAsync(new WorkspaceRef(_workspaceId, Owner), CancellationToken.None);
        await _services.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Lifecycle_SignalsTheOperation_OnlyAfterItsCheckReadTheAgentsAsNotDone_AndNotAfterItEnded()
    {
        var operation = new WorkspaceOperationInput(_workspaceId, Owner, $"{_workspaceId}.0001.provision", OperationKind.Provision, "user:test");
        var row = RunningWorkspaceRows.Create(Owner, _workspaceId, "gate-tests", Build);
        row.OperationId = operation.OperationId;
        row.OperationKind = "provision";
        await Workspaces.CreateAsync(row, CancellationToken.None);
        string token = await _services.GetRequiredService<AgentTokenService>().IssueAsync(_workspaceId, Owner, Build, 1, CancellationToken.None);
        await StartAgentProcessAsync(token);
        var check = _services.GetRequiredService<CheckAgentActivity>();
        var input = new AgentCheckInput(_workspaceId, Owner, Build);
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);

        // Before any check: the change is stored, but the operation reads it on its next check, so no signal.
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Lifecycle(1, at, AgentLifecycle.Starting, token), null, CancellationToken.None));
        Assert.Equal("starting", (await AgentsRowAsync()).Lifecycle);
        Assert.Empty(await PendingSignalsAsync());

        // The check reads the agents as not done while their process runs: the agents row says an operation waits on this
        // build. The workspace row is not written (its ETag is a client's If-Match).
        var workspaceETag = (await RowAsync()).ETag;
        var first = await check.RunAsync(input, CancellationToken.None);
        Assert.Equal((AgentLifecycle.Starting, true), (first.Lifecycle, first.ProcessesRunning));
        Assert.Equal((Build, operation.OperationId), ((await AgentsRowAsync()).SignalBuild, (await AgentsRowAsync()).SignalOperation));
        Assert.Equal(workspaceETag, (await RowAsync()).ETag);

        // Now the change that ends the wait is signalled, to that operation, once.
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Lifecycle(2, at.AddSeconds(1), AgentLifecycle.Ready, token), null, CancellationToken.None));
        var signal = Assert.Single(await PendingSignalsAsync());
        Assert.Equal(operation.OperationId, signal.InstanceId);
        Assert.Equal((Build, AgentLifecycle.Ready), (signal.Signal.BuildId, signal.Signal.Lifecycle));

        // A check that reads the agents done leaves the rows alone.
        var stored = await AgentsRowAsync();
        var second = await check.RunAsync(input, CancellationToken.None);
        Assert.Equal((AgentLifecycle.Ready, 1), (second.Lifecycle, second.ReadyReplicas));
        Assert.Equal(stored.ETag, (await AgentsRowAsync()).ETag);
        Assert.Equal(workspaceETag, (await RowAsync()).ETag);

        // The operation ends: the mark goes with it, so a later change signals nobody.
        await _services.GetRequiredService<CompleteOperationActivity>().RunAsync(
            new CompleteOperationInput(operation, DateTimeOffset.UtcNow, true, WorkspaceStatus.Running, "The workspace is running."), CancellationToken.None);
        Assert.Null((await RowAsync()).OperationId);
        Assert.Equal(((string?)null, (string?)null), ((await AgentsRowAsync()).SignalBuild, (await AgentsRowAsync()).SignalOperation));
        await _signals.ClearMessagesAsync();
        Assert.Equal(IngestOutcome.Applied, await Ingestor.IngestAsync(Lifecycle(3, at.AddSeconds(2), AgentLifecycle.ShuttingDown, token), null, CancellationToken.None));
        Assert.Equal("shutting_down", (await AgentsRowAsync()).Lifecycle);
        Assert.Empty(await PendingSignalsAsync());
    }

    /// <summary>A real agent that talks to a control plane nobody listens on: it keeps running, which is what the check reads.</summary>
    async Task StartAgentProcessAsync(string token)
    {
        var provisioner = _services.GetRequiredService<ProvisionerRegistry>().Get("local");
        await provisioner.EnsureAsync(new WorkspaceResourceSpec(new WorkspaceRef(_workspaceId, Owner), "gate-tests", 1, null, 1, 512, null, 1, Build,
            new Dictionary<string, string>
            {
                ["CODER_WORKSPACE_ID"] = _workspaceId,
                ["CODER_AGENT_BUILD"] = Build,
                ["CODER_AGENT_TOKEN"] = token,
                ["CODER_AGENT_TRANSPORT"] = "http",
                ["CODER_URL"] = "http://127.0.0.1:9",
            }), CancellationToken.None);
        await Eventually.WaitAsync(() => provisioner.FindAsync(new WorkspaceRef(_workspaceId, Owner), CancellationToken.None),
            i => i is { Running: true }, TimeSpan.FromSeconds(20), "the agent process to run");
    }

    async Task<WorkspaceEntity> RowAsync() => (await Workspaces.GetAsync(Owner, _workspaceId, CancellationToken.None))!;

    async Task<WorkspaceAgentsEntity> AgentsRowAsync() => (await Agents.GetAsync(_workspaceId, CancellationToken.None))!;

    async Task<List<WorkspaceSignalMessage>> PendingSignalsAsync() =>
        (await _signals.PeekMessagesAsync(32)).Value.Select(m => Coder.Orchestrations.Common.Json.Deserialize<WorkspaceSignalMessage>(m.Body.ToString())!).ToList();

    AgentEnvelope Lifecycle(long seq, DateTimeOffset sentAt, AgentLifecycle state, string token) => new(
        _workspaceId, $"{_workspaceId}-{Build}-r0", seq, sentAt, AgentEventTypes.Lifecycle,
        JsonSerializer.SerializeToElement(new LifecyclePayload(state), CoderJsonContext.Default.LifecyclePayload), token);
}
