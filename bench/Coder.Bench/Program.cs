using System.Diagnostics;
using Coder.Bench;
using Coder.Local.Storage;

// Usage: dotnet run -c Release --project bench/Coder.Bench -- [scenario ...] [--quick] [--workspaces N] [--steps A,B]
string repoRoot = FindRepoRoot(AppContext.BaseDirectory);
bool quick = args.Contains("--quick");

// Names are the arguments that are neither options nor an option's value (--workspaces 4000).
var names = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !Coder.Bench.Scenarios.Fleet.FleetOptions.ValuedOptions.Contains(args[i - 1])))
    .ToHashSet(StringComparer.OrdinalIgnoreCase);
var selected = names.Count == 0 ? [.. ScenarioCatalog.All] : ScenarioCatalog.All.Concat(ScenarioCatalog.OnRequest).Where(s => names.Contains(s.Name)).ToList();
string scratch = Path.Combine(Path.GetTempPath(), "coder-bench-" + Environment.ProcessId);
Directory.CreateDirectory(scratch);
var results = new List<ScenarioResult>();

// The default scenarios share 10 minutes; a scenario run on request brings a budget of its own on top.
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10) + Coder.Bench.Scenarios.Fleet.FleetScenario.Budget * selected.Count(s => ScenarioCatalog.OnRequest.Contains(s)));
var suite = Stopwatch.StartNew();

// One Azurite for the whole run (CODER_STORAGE overrides it): every figure and its baseline see the same storage. A run of
// the fleet scenario alone keeps Azurite's data in memory (EmbeddedAzurite.StartAsync says why); fleet.json records it.
string? storage = Environment.GetEnvironmentVariable("CODER_STORAGE");
bool inMemory = selected.Count > 0 && selected.All(s => s.Name == Coder.Bench.Scenarios.Fleet.FleetScenario.ScenarioName);
await using var azurite = string.IsNullOrEmpty(storage) ? await EmbeddedAzurite.StartAsync(Path.Combine(scratch, "azurite"), inMemory, cts.Token) : null;
string commit = GitCommit(repoRoot);
string storageDescription = azurite is null ? "CODER_STORAGE" : inMemory ? "Azurite, in memory (--inMemoryPersistence)" : "Azurite, on disk";
var context = new BenchmarkContext(repoRoot, scratch, storage is { Length: > 0 } ? storage : azurite!.ConnectionString, quick) { Arguments = args, Commit = commit, Storage = storageDescription };
foreach (var scenario in selected)
{
    Console.WriteLine($"== {scenario.Name}");
    var sw = Stopwatch.StartNew();
    try
    {
        results.AddRange(await scenario.RunAsync(context, cts.Token));
    }
    catch (OperationCanceledException) when (cts.IsCancellationRequested)
    {
        // The budget ran out: what the earlier scenarios measured is still written, with this one's row saying so.
        Console.WriteLine("   CANCELED: the run's 10-minute budget ran out");
        results.Add(new ScenarioResult(scenario.Name, "scenario failed", double.NaN, "", null, null, null, null, "the run's 10-minute budget ran out; run it alone", false));
        break;
    }
    catch (Exception e)
    {
        // One broken scenario must not cost the others their numbers; its row says what went wrong.
        Console.WriteLine($"   FAILED: {e}");
        results.Add(new ScenarioResult(scenario.Name, "scenario failed", double.NaN, "", null, null, null, null, $"{e.GetType().Name}: {e.Message}", false));
    }

    Console.WriteLine($"   done in {sw.Elapsed.TotalSeconds:0.0} s");
}

ResultsWriter.PrintTable(results, Console.Out);
Console.WriteLine($"suite: {selected.Count} scenario(s) in {suite.Elapsed.TotalSeconds:0.0} s{(quick ? " (quick)" : "")}");

// A scenario run on request writes its own file (fleet.json); latest.json holds the default scenarios' rows.
var onRequest = ScenarioCatalog.OnRequest.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
var recorded = results.Where(r => !onRequest.Contains(r.Scenario)).ToList();
if (recorded.Count > 0) await ResultsWriter.WriteRunAsync(Path.Combine(repoRoot, "bench", "results"), recorded, commit, quick, suite.Elapsed, CancellationToken.None);
try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
return 0;

static string FindRepoRoot(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Coder.sln"))) return dir.FullName;
    }
    return Directory.GetCurrentDirectory();
}

static string GitCommit(string repoRoot)
{
    try
    {
        using var p = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { WorkingDirectory = repoRoot, RedirectStandardOutput = true })!;
        string sha = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return sha;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown";
    }
}
