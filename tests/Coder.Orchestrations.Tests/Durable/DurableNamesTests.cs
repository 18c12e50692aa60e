using System.Reflection;
using System.Text.Json.Nodes;
using Coder.Functions.Http;
using Coder.Local.Durable;
using Coder.Local.FunctionHost;
using Coder.Local.Storage;

namespace Coder.Orchestrations.Tests.Durable;

/// <summary>
/// Every orchestrator and activity name both hosts register (the <c>[Function]</c> names of Coder.Functions, which the local
/// host registers as they are), the orchestration version this build starts and the version gates orchestrators branch on
/// are pinned to <c>durable-names.txt</c>. Instances in flight replay their history by these names and versions, so a
/// rename or removal breaks them; moving a type to another namespace changes nothing here.
/// </summary>
public sealed class DurableNamesTests
{
    static readonly string ListPath = Path.Combine(RepositoryRoot.Find(), "tests", "Coder.Orchestrations.Tests", "Durable", "durable-names.txt");

    [Fact]
    public void RegisteredNamesAndVersions_MatchTheCommittedList()
    {
        var problems = Compare(Parse(File.ReadAllLines(ListPath)), Registered());
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Compare_RenamedActivity_FailsNamingTheOldNameAndInFlightCompatibility()
    {
        var pinned = Parse(["activity EnsureWorkspaceActivity", "orchestrator ProvisionWorkspaceOrchestrator", "version start 1.1"]);
        var registered = Parse(["activity EnsureWorkspaceComputeActivity", "orchestrator ProvisionWorkspaceOrchestrator", "version start 1.1"]);

        var problems = Compare(pinned, registered);

        Assert.Contains(problems, p => p.Contains("'activity EnsureWorkspaceActivity' is pinned", StringComparison.Ordinal) && p.Contains("in flight", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'activity EnsureWorkspaceComputeActivity' is registered but not pinned", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_ChangedStartVersion_Fails()
    {
        var problems = Compare(Parse(["version start 1.1"]), Parse(["version start 2.0"]));

        Assert.Contains(problems, p => p.Contains("'version start 1.1' is pinned", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'version start 2.0' is registered but not pinned", StringComparison.Ordinal));
    }

    /// <summary>What this build registers and starts, in the list's line format.</summary>
    static SortedSet<string> Registered()
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        var functions = FunctionCatalog.Discover(typeof(ApiPipeline).Assembly);
        foreach (var f in functions.Where(f => f.Kind == FunctionKind.Orchestrator)) lines.Add("orchestrator " + f.Name);
        foreach (var f in functions.Where(f => f.Kind == FunctionKind.Activity)) lines.Add("activity " + f.Name);

        // The local host's worker and client default, and host.json's on Azure: they must agree.
        lines.Add("version start " + DurableVersioning.DefaultVersion);
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "host.json")))!;
        lines.Add("version start " + (string?)hostJson["extensions"]?["durableTask"]?["defaultVersion"]);

        // The gates orchestrators branch on (found by type name, wherever OrchestrationVersions lives).
        var versions = typeof(Coder.Orchestrations.Common.ServerJson).Assembly.GetTypes().Single(t => t.Name == "OrchestrationVersions");
        foreach (var field in versions.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
        {
            lines.Add($"version {field.Name} {field.GetRawConstantValue()}");
        }

        return lines;
    }

    static List<string> Compare(SortedSet<string> pinned, SortedSet<string> registered)
    {
        var problems = new List<string>();
        foreach (string line in pinned.Except(registered))
        {
            problems.Add($"'{line}' is pinned in durable-names.txt but this build does not register it. Orchestrations in flight " +
                "replay their history by name and version: a worker without this one fails them. Keep the name (move the type to " +
                "another namespace if you like, but do not rename it, since its name is nameof(Type)); take the line out only when " +
                "no instance that can reach it is still running, and say so in the commit.");
        }

        foreach (string line in registered.Except(pinned))
        {
            problems.Add($"'{line}' is registered but not pinned in tests/Coder.Orchestrations.Tests/Durable/durable-names.txt: " +
                "add the line. Once shipped, a durable name or version is permanent (in-flight instances depend on it).");
        }

        return problems;
    }

    /// <summary>One entry a line; blank lines and <c>#</c> comments are skipped.</summary>
    static SortedSet<string> Parse(IEnumerable<string> lines) =>
        new(lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')), StringComparer.Ordinal);
}
