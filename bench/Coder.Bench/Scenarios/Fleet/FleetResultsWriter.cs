using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// Writes <c>bench/results/fleet.json</c> beside <c>latest.json</c>: the machine, the commit, the run time, the goals, a
/// row per step, the curve (lag, worst read p95 and CPU against N) and pass/fail at 2,000; and the same document as a
/// dated run of record in <c>runs/&lt;time&gt;-&lt;commit&gt;-fleet.json</c>. A quick run goes to <c>fleet-quick.json</c> only.
/// </summary>
static class FleetResultsWriter
{
    public static async Task WriteAsync(BenchmarkContext context, IReadOnlyList<FleetStep> steps, FleetOptions options, string? stopped, TimeSpan elapsed, IReadOnlyList<string> standIns, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var goal = steps.FirstOrDefault(s => s.Workspaces == FleetOptions.GoalStep);
        var document = new JsonObject
        {
            ["scenario"] = FleetScenario.ScenarioName,
            ["generatedAt"] = now.ToString("O"),
            ["commit"] = context.Commit,
            ["quick"] = context.Quick,
            ["elapsedSeconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["budgetSeconds"] = FleetScenario.Budget.TotalSeconds,
            ["machine"] = ResultsWriter.Machine(),
            ["storage"] = context.Storage,
            ["stepsRequested"] = JsonSerializer.SerializeToNode(options.Steps),
            ["partial"] = stopped,
            ["standIns"] = JsonSerializer.SerializeToNode(standIns),
            ["goals"] = new JsonObject
            {
                ["at"] = FleetOptions.GoalStep,
                ["ingestLagP95Ms"] = $"< {FleetStep.LagGoalMs}",
                ["readRouteP95Ms"] = $"< {FleetStep.ReadP95GoalMs} on every read route",
                ["ingestLagPassed"] = goal?.LagPassed,
                ["readRoutesPassed"] = goal is null ? null : JsonSerializer.SerializeToNode(goal.ReadRoutesPassed),
                ["passed"] = goal?.Passed ?? false,
            },
            ["curve"] = new JsonArray([.. steps.Select(s => (JsonNode)new JsonObject
            {
                ["workspaces"] = s.Workspaces,
                ["ingestLagP95Ms"] = Round(s.IngestLagP95Ms),
                ["worstReadP95Ms"] = Round(s.Routes.Where(r => FleetRoutes.Reads.Contains(r.Route) && r.Count > 0).Select(r => r.P95Ms).DefaultIfEmpty(double.NaN).Max()),
                ["hostCpuCores"] = Round(s.HostCpuCores, 2),
                ["azuriteCpuShare"] = Round(s.AzuriteCpuShare, 2),
                ["passed"] = s.Passed,
            })]),
            ["steps"] = JsonSerializer.SerializeToNode(steps, BenchJson.Options),
        };

        string results = Path.Combine(context.RepoRoot, "bench", "results");
        Directory.CreateDirectory(results);
        string text = document.ToJsonString(BenchJson.Options);
        if (context.Quick)
        {
            await File.WriteAllTextAsync(Path.Combine(results, "fleet-quick.json"), text, cancellationToken);
            return;
        }

        Directory.CreateDirectory(Path.Combine(results, "runs"));
        string commit = context.Commit.Length >= 7 ? context.Commit[..7] : context.Commit;
        await File.WriteAllTextAsync(Path.Combine(results, "runs", $"{now:yyyy-MM-ddTHHmm}Z-{commit}-fleet.json"), text, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(results, "fleet.json"), text, cancellationToken);
    }

    static double Round(double value, int digits = 1) => double.IsNaN(value) ? value : Math.Round(value, digits);
}
