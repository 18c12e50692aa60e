using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// Writes running workspaces as a finished provision leaves them, through the product's own stores: the workspace row with
/// its name claim and id index (<see cref="WorkspaceStore.CreateAsync"/>), an agent token issued and stored hashed
/// (<see cref="AgentTokenService.IssueAsync"/>), and the agents row of the live build, ready and connected. Provisioning
/// 2,000 through the engine would take the whole budget; these rows are what it would have written.
/// </summary>
sealed class FleetSeeder(IServiceProvider services, string template, Uri controlPlane)
{
    /// <summary>Workspaces per owner: a developer with a handful, as in Coder's scale test.</summary>
    public const int PerOwner = 8;

    readonly WorkspaceStore _workspaces = services.GetRequiredService<WorkspaceStore>();
    readonly WorkspaceAgentStore _agents = services.GetRequiredService<WorkspaceAgentStore>();
    readonly AgentTokenService _tokens = services.GetRequiredService<AgentTokenService>();

    public static string OwnerOf(int index) => $"fleet{index / PerOwner:D4}";

    /// <summary>Seeds workspaces <paramref name="from"/> … <paramref name="to"/> − 1, 16 at a time; returns their agents' identities.</summary>
    public async Task<IReadOnlyList<(int Index, string Owner, SimulatedAgentIdentity Agent)>> SeedAsync(int from, int to, CancellationToken cancellationToken)
    {
        var seeded = new (int, string, SimulatedAgentIdentity)[to - from];
        int next = from - 1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < to; i = Interlocked.Increment(ref next))
            {
                seeded[i - from] = await SeedWithRetriesAsync(i, cancellationToken);
            }
        }, cancellationToken)));
        return seeded;
    }

    /// <summary>
    /// A busy emulator times writes out; a seed that failed midway is left as it is (at worst a workspace row without an
    /// agent) and the workspace is seeded again under a new id and name.
    /// </summary>
    async Task<(int, string, SimulatedAgentIdentity)> SeedWithRetriesAsync(int index, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await SeedOneAsync(index, attempt, cancellationToken);
            }
            catch (Exception e) when (attempt < 3 && !cancellationToken.IsCancellationRequested && e is Azure.RequestFailedException or AggregateException or TaskCanceledException or TimeoutException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1 + attempt), cancellationToken);
            }
        }
    }

    async Task<(int, string, SimulatedAgentIdentity)> SeedOneAsync(int index, int attempt, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        string owner = OwnerOf(index), id = Ids.NewWorkspaceId(), build = Ids.NewBuildId();
        await _workspaces.CreateAsync(new WorkspaceEntity
        {
            PartitionKey = owner,
            RowKey = id,
            Name = attempt == 0 ? $"fleet-{index:D5}" : $"fleet-{index:D5}-r{attempt}",
            Template = template,
            TemplateVersion = 1,
            Provisioner = NoOpProvisioner.ProvisionerName,
            Cpu = 1,
            MemoryMiB = 512,
            Replicas = 1,
            DesiredState = DesiredStates.Running,
            Status = WireNames.Of(WorkspaceStatus.Running),
            AgentBuild = build,
            BuildStartedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = "bench:fleet",
            ResourceIds = Json.Serialize(new[] { "noop/" + id }),
            LimitsEnforced = false,
        }, cancellationToken);
        string token = await _tokens.IssueAsync(id, owner, build, 1, cancellationToken);
        await _agents.SaveAsync(new WorkspaceAgentsEntity
        {
            PartitionKey = id,
            Build = build,
            Lifecycle = "ready",
            Connection = "connected",
            LastHeartbeatAt = now,
        }, cancellationToken);
        return (index, owner, new SimulatedAgentIdentity(id, build, Orchestrations.Provisioning.AgentIds.For(id, build, 0), token, controlPlane));
    }
}
