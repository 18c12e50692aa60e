namespace Coder.Bench.Scenarios.Fleet;

/// <summary>One step of the fleet scenario: N workspaces with their simulated agents, measured over the traffic window.</summary>
sealed record FleetStep(
    int Workspaces,
    int AgentsRunning,
    double HeartbeatSeconds,
    double MetricsSeconds,
    double WindowSeconds,
    double IngestEventsPerSecond,
    double IngestLagP50Ms,
    double IngestLagP95Ms,
    double IngestLagP99Ms,
    double HeartbeatLagP95Ms,
    long IngestSendFailures,
    IReadOnlyDictionary<string, long> IngestSendFailureReasons,
    double IngestSendP95Ms,
    IReadOnlyList<FleetTraffic.RouteOutcome> Routes,
    double ApiRequestsPerSecond,
    double HostCpuCores,
    double HostRssMiB,
    double AzuriteCpuCores,
    double AzuriteRssMiB,
    double AzuriteCpuShare,
    double SeedSeconds,
    double[]? LoadAverage,
    IReadOnlyDictionary<string, double> StorageRequestsPerSecond)
{
    public const double LagGoalMs = 5_000;
    public const double ReadP95GoalMs = 300;

    public bool LagPassed => IngestLagP95Ms < LagGoalMs;

    public IReadOnlyDictionary<string, bool> ReadRoutesPassed => Routes.Where(r => FleetRoutes.Reads.Contains(r.Route) && r.Count > 0).ToDictionary(r => r.Route, r => r.P95Ms < ReadP95GoalMs);

    public bool Passed => LagPassed && ReadRoutesPassed.Values.All(p => p);
}
