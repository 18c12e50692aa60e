using Coder.Bench.Scenarios;

namespace Coder.Bench;

/// <summary>Every scenario the runner knows. Add new scenarios here.</summary>
public static class ScenarioCatalog
{
    public static IReadOnlyList<IBenchmarkScenario> All { get; } =
    [
        new AgentFootprintScenario(),
        new Scenarios.SnapshotScenario(),
        new ReconcileScenario(),
        new ApiThroughputScenario(),
        new OrchestrationThroughputScenario(),
        new IngestScenario(),
        new TimeToReadyScenario(),
        new PrebuildClaimScenario(),
        new RelayForwardScenario(),
        new DashboardScenario(),
    ];

    /// <summary>Scenarios that run only when named (each has a budget of its own): <c>-- fleet</c>.</summary>
    public static IReadOnlyList<IBenchmarkScenario> OnRequest { get; } =
    [
        new Scenarios.Fleet.FleetScenario(),
    ];
}
