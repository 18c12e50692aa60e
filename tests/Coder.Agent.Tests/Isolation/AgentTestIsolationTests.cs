using System.Reflection;
using System.Text.Json;

namespace Coder.Agent.Tests.Isolation;

/// <summary>
/// The agent's tests compile against the agent and generic test support only, never the control plane: what the agent
/// does must be testable without it, and a control-plane type must not slip into an agent test unnoticed.
/// </summary>
public sealed class AgentTestIsolationTests
{
    static readonly string[] ControlPlane = ["Coder.Local", "Coder.Functions", "Coder.Orchestrations"];

    /// <summary>The agent's assembly (<c>coder-agent</c>, not its project's name).</summary>
    static readonly string Agent = typeof(Coder.Agent.Transport.ServiceBusTransport).Assembly.GetName().Name!;

    [Fact]
    public void TestAssembly_ReferencesNoControlPlaneAssembly_DirectlyOrTransitively()
    {
        var reached = new SortedSet<string>(StringComparer.Ordinal);
        Walk(typeof(AgentTestIsolationTests).Assembly.GetName(), reached);

        Assert.Contains(Agent, reached);
        AssertNoControlPlane(reached, "references");
    }

    [Fact]
    public void BuildOutput_DependsOnNoControlPlaneProject()
    {
        // deps.json lists every project the build pulled in, also those whose types the compiler found unused.
        string deps = Path.Combine(AppContext.BaseDirectory, typeof(AgentTestIsolationTests).Assembly.GetName().Name + ".deps.json");
        using var document = JsonDocument.Parse(File.ReadAllText(deps));
        var projects = document.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(l => l.Value.GetProperty("type").GetString() == "project")
            .Select(l => l.Name.Split('/')[0])
            .ToList();

        Assert.Contains(Agent, projects);
        AssertNoControlPlane(projects, "build output (deps.json)");
    }

    static void AssertNoControlPlane(IEnumerable<string> found, string where)
    {
        var leaked = found.Intersect(ControlPlane).ToList();
        Assert.True(leaked.Count == 0, $"The agent's tests reach the control plane through their {where}: {string.Join(", ", leaked)}. " +
            "Use Coder.Testing (no control plane) here; a test of the agent against the control plane belongs in Coder.Agent.ControlPlane.Tests.");
    }

    /// <summary>Our assemblies (Coder.* and the agent) reachable through references; framework and packages are not followed.</summary>
    static void Walk(AssemblyName name, SortedSet<string> reached)
    {
        if (name.Name is not { } simple || !(simple.StartsWith("Coder.", StringComparison.Ordinal) || simple == Agent) || !reached.Add(simple)) return;
        foreach (var reference in Assembly.Load(name).GetReferencedAssemblies()) Walk(reference, reached);
    }
}
