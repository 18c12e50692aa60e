using System.Globalization;
using System.Text.Json.Nodes;

namespace Coder.Orchestrations.Provisioning.ContainerInstances;

/// <summary>
/// The size each container of a group really has, read from the container group's GET (api-version 2026-05-01):
/// <c>properties.containers[].properties.resources</c>, where <c>requests</c> (cpu, memoryInGB) are required and
/// <c>limits</c> optional. A limit caps the container, so where one is set it is the size; otherwise the request is.
/// </summary>
public static class ContainerGroupResources
{
    const string ReplicaPrefix = "workspace-r";

    /// <summary>
    /// One size per container whose resources are reported, by replica (from its <c>workspace-r{n}</c> name, else its
    /// position). A container without a numeric cpu or memoryInGB is left out: unknown, not drift. Null when no
    /// container reports its resources.
    /// </summary>
    public static IReadOnlyList<ObservedUnitSize>? Observe(JsonNode? groupProperties)
    {
        if (groupProperties?["containers"] is not JsonArray containers) return null;
        var sizes = new List<ObservedUnitSize>();
        for (int i = 0; i < containers.Count; i++)
        {
            var container = containers[i];
            var resources = container?["properties"]?["resources"];
            var requests = resources?["requests"];
            var limits = resources?["limits"];
            if ((Number(limits?["cpu"]) ?? Number(requests?["cpu"])) is not { } cpu) continue;
            if ((Number(limits?["memoryInGB"]) ?? Number(requests?["memoryInGB"])) is not { } memoryInGb) continue;
            sizes.Add(new ObservedUnitSize(Replica(container, i), cpu, (long)Math.Round(memoryInGb * 1024),
                string.Create(CultureInfo.InvariantCulture, $"cpu {cpu}, memoryInGB {memoryInGb}"), AciSizeRule.Instance));
        }

        return sizes.Count == 0 ? null : sizes;
    }

    static int Replica(JsonNode? container, int position) =>
        (string?)container?["name"] is { } name && name.StartsWith(ReplicaPrefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(ReplicaPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int replica)
            ? replica
            : position;

    static double? Number(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out double number) && double.IsFinite(number) ? number : null;
}
