using System.Collections.Concurrent;
using System.Runtime.Versioning;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>The running <see cref="SimulatedAgent"/>s, one per running workspace, sharing one HTTP connection pool to the host.</summary>
[SupportedOSPlatform("linux")]
sealed class SimulatedFleet : IAsyncDisposable
{
    readonly ConcurrentDictionary<string, SimulatedAgent> _agents = new(StringComparer.Ordinal);
    readonly string _stateRoot;

    public SimulatedFleet(string stateRoot)
    {
        _stateRoot = stateRoot;
        Directory.CreateDirectory(stateRoot);

        // Real agents hold a connection each; thousands of in-process ones share a pool large enough that none waits for a
        // connection at these rates (a wait would show up as ingest lag that is the bench's, not the control plane's).
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(15) };
    }

    public HttpClient Http { get; }

    public FleetLagRecorder Lag { get; } = new();

    public FleetIntervals Intervals { get; } = new();

    public int Count => _agents.Count;

    public bool IsRunning(string workspaceId) => _agents.ContainsKey(workspaceId);

    public void Start(SimulatedAgentIdentity identity, TimeSpan stagger, bool reportLifecycle)
    {
        var agent = SimulatedAgent.Start(identity, Http, _stateRoot, Lag, Intervals, stagger, reportLifecycle);
        if (_agents.TryRemove(identity.WorkspaceId, out var previous)) _ = previous.DisposeAsync().AsTask();
        _agents[identity.WorkspaceId] = agent;
    }

    public async Task StopAsync(string workspaceId)
    {
        if (_agents.TryRemove(workspaceId, out var agent)) await agent.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_agents.Keys.ToArray().Select(StopAsync));
        Http.Dispose();
        try { Directory.Delete(_stateRoot, recursive: true); } catch (IOException) { }
    }
}
