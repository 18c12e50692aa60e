using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coder.Bench;

/// <summary>Prints the results table and writes the run, with machine info and the commit, under <c>bench/results</c>.</summary>
public static class ResultsWriter
{
    public static void PrintTable(IReadOnlyList<ScenarioResult> results, TextWriter output)
    {
        output.WriteLine($"{"scenario",-24} {"metric",-34} {"value",14} {"baseline",14} {"ratio",8} {"pass",5}  goal");
        foreach (var r in results)
        {
            string baseline = r.Baseline is { } b ? $"{b:0.###}" : "-";
            string ratio = r.Ratio is { } x ? $"{x:0.00}x" : "-";
            string passed = r.Passed switch { true => "yes", false => "NO", null => "-" };
            string standIns = r.StandIns is { Count: > 0 } s ? $"  [stand-ins: {string.Join(", ", s)}]" : "";
            output.WriteLine($"{r.Scenario,-24} {r.Metric,-34} {r.Value,10:0.###} {r.Unit,-3} {baseline,14} {ratio,8} {passed,5}  {r.Goal}{(r.Note is null ? "" : $"  ({r.Note})")}{standIns}");
        }
    }

    /// <summary>
    /// Writes this run to <c>runs/&lt;time&gt;-&lt;commit&gt;.json</c> (a run of record, kept beside the others so a reader
    /// sees the trend) and folds it into <c>latest.json</c>: the scenarios it ran replace their rows there, and every other
    /// scenario keeps the rows of the run that last measured it, each row stamped with its own commit and time. A quick
    /// run is no record: it goes to <c>quick.json</c> only (git-ignored).
    /// </summary>
    public static async Task WriteRunAsync(string resultsDirectory, IReadOnlyList<ScenarioResult> results, string commit, bool quick, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var run = RunDocument(results, commit, quick, elapsed, now);
        Directory.CreateDirectory(resultsDirectory);
        if (quick)
        {
            await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "quick.json"), run.ToJsonString(BenchJson.Options), cancellationToken);
            return;
        }

        string runs = Path.Combine(resultsDirectory, "runs");
        Directory.CreateDirectory(runs);
        string name = $"{now:yyyy-MM-ddTHHmm}Z-{(commit.Length >= 7 ? commit[..7] : commit)}.json";
        await File.WriteAllTextAsync(Path.Combine(runs, name), run.ToJsonString(BenchJson.Options), cancellationToken);

        string latestPath = Path.Combine(resultsDirectory, "latest.json");
        var latest = RunDocument(results, commit, quick, elapsed, now);
        latest["results"] = Merge(File.Exists(latestPath) ? JsonNode.Parse(await File.ReadAllTextAsync(latestPath, cancellationToken)) : null, run["results"]!.AsArray());
        await File.WriteAllTextAsync(latestPath, latest.ToJsonString(BenchJson.Options), cancellationToken);
    }

    /// <summary>The rows of <paramref name="previous"/> whose scenario this run did not measure, then this run's rows.</summary>
    public static JsonArray Merge(JsonNode? previous, JsonArray current)
    {
        var measured = current.Select(r => (string?)r?["scenario"]).ToHashSet(StringComparer.Ordinal);
        string? previousCommit = (string?)previous?["commit"];
        string? previousAt = (string?)previous?["generatedAt"];
        var merged = new JsonArray();
        foreach (var row in previous?["results"]?.AsArray() ?? [])
        {
            if (row is null || measured.Contains((string?)row["scenario"])) continue;
            var kept = row.DeepClone();
            kept["commit"] ??= previousCommit;
            kept["measuredAt"] ??= previousAt;
            merged.Add(kept);
        }

        foreach (var row in current) merged.Add(row?.DeepClone());
        return merged;
    }

    static JsonObject RunDocument(IReadOnlyList<ScenarioResult> results, string commit, bool quick, TimeSpan elapsed, DateTimeOffset now)
    {
        var rows = JsonSerializer.SerializeToNode(results, BenchJson.Options)!.AsArray();
        foreach (var row in rows)
        {
            row!["commit"] = commit;
            row["measuredAt"] = now.ToString("O");
        }

        return new JsonObject
        {
            ["generatedAt"] = now.ToString("O"),
            ["commit"] = commit,
            ["quick"] = quick,
            ["elapsedSeconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["machine"] = Machine(),
            ["results"] = rows,
        };
    }

    /// <summary>The machine a run measured: OS, cores, memory, how busy it was (load average), the runtime.</summary>
    public static JsonObject Machine() => new()
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["arch"] = RuntimeInformation.OSArchitecture.ToString(),
        ["cores"] = Environment.ProcessorCount,
        ["memoryMiB"] = MachineInfo.TotalMemoryMiB(),
        ["loadAverage"] = JsonSerializer.SerializeToNode(MachineInfo.LoadAverage()),
        ["runtime"] = RuntimeInformation.FrameworkDescription,
    };
}
