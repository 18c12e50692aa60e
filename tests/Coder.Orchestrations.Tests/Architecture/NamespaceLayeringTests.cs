using Coder.Orchestrations.Operations;

namespace Coder.Orchestrations.Tests.Architecture;

/// <summary>
/// The layering of Coder.Orchestrations, from its compiled IL: no circle among its top-level folders (namespaces), and
/// the feature folders start operations through <c>Operations</c> rather than leaning on <c>Workspaces</c>.
/// </summary>
public sealed class NamespaceLayeringTests
{
    const string Root = "Coder.Orchestrations";

    /// <summary>Features that may use at most <see cref="MaxWorkspacesUsers"/> types of the workspace feature between them.</summary>
    static readonly string[] Features = ["Snapshots", "Upgrades", "Scaling", "Reconciliation", "Agents", "Events"];

    const int MaxWorkspacesUsers = 6;

    /// <summary>
    /// The layers, bottom first, as docs/architecture.md draws them: a folder uses its own layer and the ones below it.
    /// A new top-level folder fails <see cref="EveryFolderUsesOnlyItsLayerAndTheOnesBelow"/> until it is placed here.
    /// </summary>
    static readonly string[][] Layers =
    [
        ["Common", "Telemetry"],
        ["State"],
        ["Audit", "Timeline"],
        ["Provisioning"],
        ["Templates", "Security", "Connect", "Quotas", "Schedules", "Secrets"],
        ["Events", "Agents"],
        ["Operations"],
        ["Prebuilds"],
        ["Workspaces", "Snapshots", "Upgrades", "Scaling", "Reconciliation"],
        ["DependencyInjection"],
    ];

    static readonly Lazy<TypeReferenceGraph> Graph = new(() => TypeReferenceGraph.Read(typeof(OperationStore).Assembly.Location));

    [Fact]
    public void TopLevelFoldersFormNoCircle()
    {
        var edges = FolderEdges(Graph.Value.References);
        var circles = NamespaceCycles.Find(edges.Keys);
        Assert.True(circles.Count == 0, "Namespace circles among the top-level folders of Coder.Orchestrations:\n" + string.Join("\n", circles.Select(c => Describe(c, edges))));
    }

    [Fact]
    public void EveryFolderUsesOnlyItsLayerAndTheOnesBelow()
    {
        var layerOf = Layers.SelectMany((folders, layer) => folders.Select(f => (f, layer))).ToDictionary(x => x.f, x => x.layer);
        var folders = Graph.Value.References.Keys.Select(FolderOf).Where(f => f.Length > 0).ToHashSet();
        Assert.True(folders.All(layerOf.ContainsKey), $"Folders not placed in a layer: {string.Join(", ", folders.Where(f => !layerOf.ContainsKey(f)).Order())}");
        var upward = FolderEdges(Graph.Value.References).Where(e => layerOf[e.Key.To] > layerOf[e.Key.From]).ToList();
        Assert.True(upward.Count == 0, "Folders that use a layer above their own:\n" + string.Join("\n", upward.Select(e => $"  {e.Key.From} → {e.Key.To}: {string.Join(", ", e.Value.Order(StringComparer.Ordinal).Take(6))}")));
    }

    [Fact]
    public void FeatureFoldersUseWorkspacesTypesInAtMostSixTypes()
    {
        var users = WorkspacesUsers(Graph.Value.References);
        Assert.True(users.Count <= MaxWorkspacesUsers,
            $"{users.Count} types in {string.Join(", ", Features)} use Coder.Orchestrations.Workspaces (at most {MaxWorkspacesUsers}):\n"
            + string.Join("\n", users.Select(u => $"  {u.Key} uses {string.Join(", ", u.Value)}")));
    }

    [Fact]
    public void StateDoesNotReferenceProvisioning()
    {
        var edges = FolderEdges(Graph.Value.References);
        Assert.False(edges.TryGetValue(("State", "Provisioning"), out var through), $"State uses Provisioning: {string.Join("; ", through ?? [])}");
    }

    [Fact]
    public void TheGraphSeesACircleWhereThereIsOne()
    {
        // The checks above can fail: a made-up edge back from the kernel to a feature that uses it is a circle, named.
        var edges = FolderEdges(Graph.Value.References);
        Assert.Contains(("Snapshots", "Operations"), edges.Keys);
        var bad = edges.Keys.Append(("Operations", "Snapshots")).ToList();
        var circles = NamespaceCycles.Find(bad);
        Assert.Contains(circles, c => c.Contains("Operations") && c.Contains("Snapshots"));
    }

    [Fact]
    public void TheGraphSeesWorkspacesUsersThatExist()
    {
        // Where Workspaces types are used is visible: the Functions-facing service uses its own store and orchestrators.
        var refs = Graph.Value.References;
        Assert.Contains(refs[$"{Root}.Workspaces.WorkspaceService"], t => t == $"{Root}.Operations.OperationLauncher");
        var madeUp = refs.ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var feature in Features)
            madeUp[$"{Root}.{feature}.MadeUp"] = new HashSet<string> { $"{Root}.Workspaces.WorkspaceService" };
        Assert.Equal(WorkspacesUsers(refs).Count + Features.Length, WorkspacesUsers(madeUp).Count);
    }

    static SortedDictionary<string, SortedSet<string>> WorkspacesUsers(IReadOnlyDictionary<string, IReadOnlySet<string>> references)
    {
        var users = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (type, used) in references)
        {
            if (!Features.Contains(FolderOf(type))) continue;
            var workspaces = used.Where(u => FolderOf(u) == "Workspaces").ToList();
            if (workspaces.Count > 0) users[type] = new SortedSet<string>(workspaces, StringComparer.Ordinal);
        }

        return users;
    }

    /// <summary>(from folder, to folder) → "type → type" examples that make the edge.</summary>
    static Dictionary<(string From, string To), List<string>> FolderEdges(IReadOnlyDictionary<string, IReadOnlySet<string>> references)
    {
        var edges = new Dictionary<(string, string), List<string>>();
        foreach (var (type, used) in references)
        {
            string from = FolderOf(type);
            if (from.Length == 0) continue;
            foreach (var target in used)
            {
                string to = FolderOf(target);
                if (to.Length == 0 || to == from) continue;
                if (!edges.TryGetValue((from, to), out var list)) edges[(from, to)] = list = [];
                list.Add($"{Short(type)} → {Short(target)}");
            }
        }

        return edges;
    }

    static string Describe(IReadOnlyList<string> circle, Dictionary<(string From, string To), List<string>> edges)
    {
        var lines = new List<string> { "  circle: " + string.Join(" ↔ ", circle) };
        foreach (var from in circle)
            foreach (var to in circle)
                if (edges.TryGetValue((from, to), out var through))
                    lines.Add($"    {from} → {to}: {string.Join(", ", through.Order(StringComparer.Ordinal).Take(8))}{(through.Count > 8 ? $" (+{through.Count - 8} more)" : "")}");
        return string.Join("\n", lines);
    }

    /// <summary>The top-level folder of a type of Coder.Orchestrations ("Workspaces" for Coder.Orchestrations.Workspaces.Activities.X).</summary>
    static string FolderOf(string type)
    {
        if (!type.StartsWith(Root + ".", StringComparison.Ordinal)) return "";
        string rest = type[(Root.Length + 1)..];
        int dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? "" : rest[..dot];
    }

    static string Short(string type) => type[(Root.Length + 1)..];
}
