using System.Globalization;
using System.Text.Json.Nodes;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>Reads <c>a.b[0].c</c> paths out of JSON, for comparing bodies with the official examples.</summary>
public static class JsonPath
{
    public static JsonNode? At(JsonNode? node, string path)
    {
        foreach (string part in path.Split('.'))
        {
            string name = part;
            int? index = null;
            int bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = part[..bracket];
                index = int.Parse(part[(bracket + 1)..^1], CultureInfo.InvariantCulture);
            }

            node = node?[name];
            if (index is int i) node = node is JsonArray a && a.Count > i ? a[i] : null;
        }

        return node;
    }
}
