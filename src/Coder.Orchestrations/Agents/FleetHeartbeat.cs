using Azure.Data.Tables;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// The heartbeat interval the control plane hands out (in the manifest, whose config version every ingest reply carries,
/// so agents take a new one at their next heartbeat) and judges liveness by: the template's, raised to the floor the fleet's
/// size calls for (<see cref="AdaptiveHeartbeat"/>, a budget of <c>Coder:Agent:FleetHeartbeatsPerSecond</c>). The fleet
/// is the agents rows that say <c>connected</c>, counted at most every <c>Coder:Agent:FleetCountSeconds</c> by one caller
/// while the others go on with the last count. Every instance counts the same table, so they hand out the same floor.
/// </summary>
public sealed partial class FleetHeartbeat(CoderTables tables, TimeProvider time, IOptions<AgentBootstrapOptions> options, ILogger<FleetHeartbeat> logger)
{
    readonly SemaphoreSlim _counting = new(1, 1);
    int _step;
    int _liveAgents = -1;
    DateTimeOffset _countedAt = DateTimeOffset.MinValue;

    /// <summary>The live agents at the last count (−1 before the first).</summary>
    public int LiveAgents => Volatile.Read(ref _liveAgents);

    /// <summary>The floor in force, in seconds (0: none, every template's own interval holds).</summary>
    public async ValueTask<int> FloorSecondsAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.FleetHeartbeatsPerSecond <= 0) return 0;
        if (time.GetUtcNow() - _countedAt >= TimeSpan.FromSeconds(o.FleetCountSeconds)) await CountAsync(cancellationToken);
        return AdaptiveHeartbeat.FloorSeconds(Volatile.Read(ref _step), o.HeartbeatSeconds, o.MaxHeartbeatSeconds);
    }

    /// <summary>
    /// The metrics interval's floor at a heartbeat floor: metrics cost ingest more than heartbeats (the history row too), so
    /// they stretch with them, three heartbeats apart, but never past <c>MaxHeartbeatSeconds</c> (60 s), so the metrics
    /// history's one-minute buckets (and the autoscaler reading them) still get a sample each.
    /// </summary>
    public static int MetricsFloorSeconds(int heartbeatFloor, AgentBootstrapOptions options) => Math.Min(options.MaxHeartbeatSeconds, heartbeatFloor * 3);

    /// <summary>The interval the manifest hands out for a template that asks for <paramref name="templateSeconds"/> (null: the default).</summary>
    public async ValueTask<int> HeartbeatSecondsAsync(int? templateSeconds, CancellationToken cancellationToken) =>
        Math.Max(templateSeconds ?? options.Value.HeartbeatSeconds, await FloorSecondsAsync(cancellationToken));

    /// <summary>The interval liveness is judged by: the one the agents were handed, or the override they were started with.</summary>
    public async ValueTask<int> LivenessSecondsAsync(int? templateSeconds, CancellationToken cancellationToken) =>
        options.Value.HeartbeatOverrideSeconds ?? await HeartbeatSecondsAsync(templateSeconds, cancellationToken);

    async Task CountAsync(CancellationToken cancellationToken)
    {
        // The first count is waited for; later ones run in one caller while the rest use the floor in force.
        if (_liveAgents >= 0 ? !_counting.Wait(0, CancellationToken.None) : !await WaitFirstAsync(cancellationToken)) return;
        try
        {
            if (time.GetUtcNow() - _countedAt < TimeSpan.FromSeconds(options.Value.FleetCountSeconds)) return;
            // By workspace: a row under the old row key not moved yet (KeyedRowKey) must not count its workspace twice.
            var connected = new HashSet<string>(StringComparer.Ordinal);
            string filter = TableClient.CreateQueryFilter($"Connection eq {"connected"}");
            await foreach (var row in tables.WorkspaceAgents.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"], cancellationToken: cancellationToken)) connected.Add(row.PartitionKey);
            int live = connected.Count;
            var o = options.Value;
            int before = _step, step = AdaptiveHeartbeat.NextStep(live, o.HeartbeatSeconds, o.FleetHeartbeatsPerSecond, o.MaxHeartbeatSeconds, before);
            Volatile.Write(ref _step, step);
            Volatile.Write(ref _liveAgents, live);
            _countedAt = time.GetUtcNow();
            if (step != before)
                LogFloorChanged(logger, live, AdaptiveHeartbeat.FloorSeconds(before, o.HeartbeatSeconds, o.MaxHeartbeatSeconds), AdaptiveHeartbeat.FloorSeconds(step, o.HeartbeatSeconds, o.MaxHeartbeatSeconds), o.FleetHeartbeatsPerSecond);
        }
        finally
        {
            _counting.Release();
        }
    }

    async Task<bool> WaitFirstAsync(CancellationToken cancellationToken)
    {
        await _counting.WaitAsync(cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{LiveAgents} live agents: the heartbeat floor goes from {Before} s to {After} s (a budget of {Budget} heartbeats/s)")]
    static partial void LogFloorChanged(ILogger logger, int liveAgents, int before, int after, int budget);
}
