using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coder.Bench;

/// <summary>Prints the results table and writes <c>bench/results/latest.json</c> with machine info and the commit.</summary>
public static class ResultsWriter
{
    public static void PrintTable(IReadOnlyList<ScenarioResult> results, TextWriter output)
    {
        output.WriteLine($"{"scenario",-14} {"metric",-34} {"value",14} {"baseline",14} {"ratio",8}  goal");
        foreach (var r in results)
        {
            string baseline = r.Baseline is { } b ? $"{b:0.###}" : "-";
            string ratio = r.Ratio is { } x ? $"{x:0.00}x" : "-";
            output.WriteLine($"{r.Scenario,-14} {r.Metric,-34} {r.Value,10:0.###} {r.Unit,-3} {baseline,14} {ratio,8}  {r.Goal}{(r.Note is null ? "" : $"  ({r.Note})")}");
        }
    }

    public static async Task WriteJsonAsync(string path, IReadOnlyList<ScenarioResult> results, string commit, CancellationToken cancellationToken)
    {
        var doc = new JsonObject
        {
            ["generatedAt"] = DateTimeOffset.UtcNow.ToString("O"),
            ["commit"] = commit,
            ["machine"] = new JsonObject
            {
                ["os"] = RuntimeInformation.OSDescription,
                ["arch"] = RuntimeInformation.OSArchitecture.ToString(),
                ["cores"] = Environment.ProcessorCount,
                ["runtime"] = RuntimeInformation.FrameworkDescription,
            },
            ["results"] = JsonSerializer.SerializeToNode(results, BenchJson.Options),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, doc.ToJsonString(BenchJson.Options), cancellationToken);
    }
}
