using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coder.Bench;

/// <summary>Prints the results table and writes <c>bench/results/latest.json</c> with machine info and the commit.</summary>
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

    public static async Task WriteJsonAsync(string path, IReadOnlyList<ScenarioResult> results, string commit, bool quick, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var doc = new JsonObject
        {
            ["generatedAt"] = DateTimeOffset.UtcNow.ToString("O"),
            ["commit"] = commit,
            ["quick"] = quick,
            ["elapsedSeconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["machine"] = new JsonObject
            {
                ["os"] = RuntimeInformation.OSDescription,
                ["arch"] = RuntimeInformation.OSArchitecture.ToString(),
                ["cores"] = Environment.ProcessorCount,
                ["memoryMiB"] = MachineInfo.TotalMemoryMiB(),
                ["loadAverage"] = JsonSerializer.SerializeToNode(MachineInfo.LoadAverage()),
                ["runtime"] = RuntimeInformation.FrameworkDescription,
            },
            ["results"] = JsonSerializer.SerializeToNode(results, BenchJson.Options),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, doc.ToJsonString(BenchJson.Options), cancellationToken);
    }
}
