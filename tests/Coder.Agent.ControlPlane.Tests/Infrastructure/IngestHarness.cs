using Coder.Agent.Tests.Infrastructure;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Agents.ServiceBus;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Timeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Agent.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The control plane's real ingest (<see cref="AgentEventIngestor"/>, the message handler, the Service Bus drain) over
/// real tables on Azurite, under a fresh prefix, with one running workspace and an agent token issued for its build.
/// </summary>
public sealed class IngestHarness : IAsyncDisposable
{
    public const string Owner = "agent-tests";
    public const string Build = AgentOptions.Build;

    readonly ServiceProvider _services;

    IngestHarness(ServiceProvider services, string workspaceId, string token)
    {
        _services = services;
        WorkspaceId = workspaceId;
        Token = token;
    }

    public string WorkspaceId { get; }
    public string Token { get; }
    public IAgentEventIngestor Ingestor => _services.GetRequiredService<IAgentEventIngestor>();
    public AgentEventMessageHandler Handler => _services.GetRequiredService<AgentEventMessageHandler>();
    public ServiceBusAgentEventDrain Drain => _services.GetRequiredService<ServiceBusAgentEventDrain>();
    public CoderTables Tables => _services.GetRequiredService<CoderTables>();
    public WorkspaceTimeline Timeline => _services.GetRequiredService<WorkspaceTimeline>();

    public static async Task<IngestHarness> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = await SharedStorage.ConnectionStringAsync(),
            ["Coder:Storage:Prefix"] = TestStorage.NewPrefix(),
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddCoderOrchestrations();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        var tables = provider.GetRequiredService<CoderTables>();
        await tables.EnsureCreatedAsync(CancellationToken.None);
        await provider.GetRequiredService<WorkspaceSignalQueue>().EnsureCreatedAsync(CancellationToken.None);

        string workspaceId = "ws-" + Guid.NewGuid().ToString("N")[..12];
        await provider.GetRequiredService<WorkspaceStore>().CreateAsync(RunningWorkspaceRows.Create(Owner, workspaceId, "agent-tests", Build), CancellationToken.None);
        string token = await provider.GetRequiredService<AgentTokenService>().IssueAsync(workspaceId, Owner, Build, 1, CancellationToken.None);
        return new IngestHarness(provider, workspaceId, token);
    }

    /// <summary>What ingest recorded of the workspace's agents (its agents row).</summary>
    public Task<WorkspaceAgentsEntity?> AgentsAsync() => _services.GetRequiredService<WorkspaceAgentStore>().GetAsync(WorkspaceId, CancellationToken.None);

    /// <summary>The agent id a provisioner gives replica <paramref name="replica"/> of <see cref="Build"/>, which <see cref="Token"/> is issued for.</summary>
    public string AgentId(int replica = 0) => Coder.Orchestrations.Provisioning.AgentIds.For(WorkspaceId, Build, replica);

    /// <summary>The (agentId, seq) markers ingest wrote for one agent: the seqs it applied, heartbeats aside (they leave none).</summary>
    public async Task<List<long>> AppliedSeqsAsync(string agentId)
    {
        var seqs = new List<long>();
        await foreach (var marker in Tables.AgentSeqs.QueryAsync<AgentSeqEntity>(e => e.PartitionKey == agentId))
        {
            seqs.Add(long.Parse(marker.RowKey, System.Globalization.CultureInfo.InvariantCulture));
        }

        return seqs;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
