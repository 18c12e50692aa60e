using Coder.Contracts.Agents;
using Coder.Contracts.Operations;
using Coder.Contracts.Auth;
using Coder.Contracts.Templates;
using Coder.Contracts.Workspaces;
using Coder.Local.Durable;
using Coder.Local.Hosting;
using Coder.Orchestrations.Audit;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Workspaces;
using Coder.Orchestrations.Workspaces.Activities;
using Azure.Core.Pipeline;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Coder.Orchestrations.Tests.StorageCalls;

/// <summary>
/// The storage-call audit of a cold create (docs/storage-calls.md): every Table, Queue and Blob call that one
/// POST /api/workspaces makes (what the API pipeline does around the handler: the bearer token's check and the audit
/// row; then the handler), and that each activity of the provision's happy path makes, counted by an Azure SDK pipeline
/// policy on the real DI graph and Azurite. The durable engine's own calls (its instance row and start message) go
/// through its own clients and are not counted here. A count that grows past the documented budget fails.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ColdCreateStorageCallsTests(TestStorage storage, ITestOutputHelper output) : IAsyncLifetime
{
    readonly string _prefix = TestStorage.NewPrefix();
    StorageCallRecorder _recorder = null!;
    ServiceProvider _services = null!;

    // The budgets docs/storage-calls.md documents. Steady state: the token, the template and the owner's quota row are
    // already known to this instance.
    static readonly Dictionary<string, int> PostBudget = new(StringComparer.Ordinal)
    {
        ["Table Workspaces read"] = 1, // the name claim: a taken name is a 409 before the quota row is touched
        ["Table Quotas replace (ETag)"] = 1, // the reservation, under the ETag this instance last wrote
        ["Table WorkspaceIndex upsert"] = 1,
        ["Table Workspaces transaction"] = 1, // the workspace row and its name claim
        ["Table WorkspaceEvents upsert"] = 1, // "created"
        ["Table Operations insert"] = 1,
        ["Table Audit insert"] = 1,
    };

    static readonly Dictionary<string, Dictionary<string, int>> ActivityBudgets = new(StringComparer.Ordinal)
    {
        [nameof(ProvisionComputeActivity)] = new(StringComparer.Ordinal)
        {
            ["Table Operations replace (ETag)"] = 1,
            ["Table Workspaces replace (ETag)"] = 3, // status provisioning; the build; the resource ids
            ["Table WorkspaceEvents upsert"] = 1,
            ["Table Workspaces read"] = 1, // the ensure decides on a fresh read
            ["Table AgentTokens insert"] = 2, // the token's hash row and its index row
            ["Table WorkspaceAgents read"] = 2, // a new workspace has no row: under its id, then under the old row key (KeyedRowKey)
            ["Table WorkspaceAgents insert"] = 1,
        },
        [nameof(AgentStartingActivity)] = new(StringComparer.Ordinal)
        {
            ["Table Operations replace (ETag)"] = 1,
            ["Table WorkspaceEvents upsert"] = 1,
            ["Table Workspaces read"] = 1,
            ["Table WorkspaceAgents read"] = 1,
        },
        [nameof(CompleteOperationActivity)] = new(StringComparer.Ordinal)
        {
            ["Table Operations read"] = 1,
            ["Table Operations replace (ETag)"] = 1,
            ["Table Workspaces replace (ETag)"] = 1,
            ["Table WorkspaceAgents read"] = 1,
            ["Table WorkspaceEvents upsert"] = 1,
            ["Queue coder-events send"] = 1,
        },
    };

    public async Task InitializeAsync()
    {
        _recorder = new StorageCallRecorder(_prefix, storage.ConnectionString);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = storage.ConnectionString,
            ["Coder:Storage:Prefix"] = _prefix,
            ["Coder:Local:DataDirectory"] = Path.Combine(Path.GetTempPath(), "coder-calls-" + _prefix),
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddCoderOrchestrations();
        services.AddSingleton(new StoragePipelinePolicies([_recorder]));
        services.RemoveAll<IWorkspaceProvisioner>();
        services.AddSingleton<IWorkspaceProvisioner, InMemoryProvisioner>();
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<CoderTables>().EnsureCreatedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task OneCreate_AndItsProvisionActivities_StayWithinTheDocumentedStorageCalls()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = deadline.Token;
        await using var sidecar = await DurableSidecar.StartAsync(storage.ConnectionString, new DurableSidecarOptions { TaskHub = LocalHostNames.TaskHub(_prefix, "calls"), PartitionCount = 1 }, NullLoggerFactory.Instance, ct);
        using var clientHost = BuildClientHost(sidecar);
        await clientHost.StartAsync(ct);
        try
        {
            await MeasureAsync(clientHost.Services.GetRequiredService<DurableTaskClient>(), ct);
        }
        finally
        {
            await clientHost.StopAsync(CancellationToken.None);
        }
    }

    async Task MeasureAsync(DurableTaskClient client, CancellationToken ct)
    {

        var tokens = _services.GetRequiredService<ApiTokenService>();
        var created = await tokens.CreateAsync(new CreateTokenRequest("calls", [Roles.Member], "alice", 1), ct);
        await _services.GetRequiredService<TemplateStore>().CreateAsync(new TemplateSpec
        {
            Name = "calls",
            Provisioner = "local",
            Resources = new TemplateResources(1, 512),
            Limits = new TemplateLimits(2, 1024, 1),
        }, "test", ct);

        // The first create and its provision warm what a running host has warm (the token, the template, the owner's
        // quota row, the events queue); the second is counted.
        await RunProvisionActivitiesAsync(await PostAsync(tokens, created.Token, "warm", client, ct), ct);

        // Once more just before the count: on a loaded machine that provision can outlast the template and quota caches.
        await PostAsync(tokens, created.Token, "rewarm", client, ct);

        _recorder.Start();
        var accepted = await PostAsync(tokens, created.Token, "measured", client, ct);
        var post = _recorder.Stop();
        Report("POST /api/workspaces", post);
        var activities = await RunProvisionActivitiesAsync(accepted, ct);
        foreach (var (name, calls) in activities) Report(name, calls);

        AssertWithin("POST /api/workspaces", PostBudget, post);
        foreach (var (name, calls) in activities) AssertWithin(name, ActivityBudgets.GetValueOrDefault(name) ?? [], calls);
    }

    /// <summary>What ApiPipeline and the create function do for one POST: the token's check, the handler, the audit row.</summary>
    async Task<WorkspaceAccepted> PostAsync(ApiTokenService tokens, string token, string name, DurableTaskClient client, CancellationToken ct)
    {
        var caller = await tokens.AuthenticateAsync(token, ct) ?? throw new InvalidOperationException("The token did not authenticate.");
        var accepted = await _services.GetRequiredService<WorkspaceService>().CreateAsync(caller, new CreateWorkspaceRequest { Name = name, Template = "calls" }, client, ct);
        await _services.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry(caller.Actor, "workspace.create", "workspace:" + accepted.Id, "success", "req", 202), ct);
        return accepted;
    }

    /// <summary>The provision's happy path (orchestration version 1.2), activity by activity, with the inputs ProvisionWorkspaceOrchestrator gives them.</summary>
    async Task<List<(string Name, SortedDictionary<string, int> Calls)>> RunProvisionActivitiesAsync(WorkspaceAccepted accepted, CancellationToken ct)
    {
        var input = new WorkspaceOperationInput(accepted.Id, "alice", accepted.Operation.Id, OperationKind.Provision, "user:alice", "user_request");
        var results = new List<(string, SortedDictionary<string, int>)>();
        async Task<T> Run<T>(string name, Func<Task<T>> activity)
        {
            _recorder.Start();
            var result = await activity();
            results.Add((name, _recorder.Stop()));
            return result;
        }

        var ensure = await Run(nameof(ProvisionComputeActivity), () => _services.GetRequiredService<ProvisionComputeActivity>().RunAsync(
            new OperationStepInput(input, DateTimeOffset.UtcNow, "started", WorkspaceStatus.Provisioning, "Provisioning the workspace."), ct));

        // The agent's ready, as ingest records it (not counted: it is the agent's traffic, not the provision's).
        await _services.GetRequiredService<WorkspaceAgentStore>().MutateAsync(accepted.Id, null, null, a =>
        {
            var (json, aggregate) = AgentStates.Advance(a.AgentStates, AgentIds.For(accepted.Id, ensure.BuildId, 0), new LifecyclePayload(AgentLifecycle.Ready), 1)!.Value;
            a.AgentStates = json;
            a.Lifecycle = WireNames.Of(aggregate);
            return true;
        }, ct);

        var check = await Run(nameof(AgentStartingActivity), () => _services.GetRequiredService<AgentStartingActivity>().RunAsync(
            new AgentStartingInput(new OperationStepInput(input, DateTimeOffset.UtcNow, "agent-starting", null, "Agent started."), ensure.BuildId), ct));
        Assert.Equal(AgentLifecycle.Ready, check.Lifecycle);
        await Run(nameof(CompleteOperationActivity), () => _services.GetRequiredService<CompleteOperationActivity>().RunAsync(
            new CompleteOperationInput(input, DateTimeOffset.UtcNow, true, WorkspaceStatus.Running, "The workspace is running.", Reason: input.Reason), ct));
        return results;
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

    /// <summary>A client, and a worker that knows no orchestration (the activities run by hand; the engine only needs a worker to run at all).</summary>
    static IHost BuildClientHost(DurableSidecar sidecar)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDurableTaskWorker(worker => worker.UseGrpc(sidecar.CreateChannel()));
        builder.Services.AddDurableTaskClient(client => client.UseGrpc(sidecar.CreateChannel()));
        return builder.Build();
    }
}
