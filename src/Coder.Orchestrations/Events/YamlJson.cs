using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Coder.Orchestrations.Events;

/// <summary>
/// YAML to JSON with YAML 1.2 core-schema scalars (plain <c>1</c> is a number, <c>"1"</c> a string), so a YAML template
/// spec goes through the same strict JSON reader and validator as one posted to the API. Aliases (<c>*name</c>) are
/// refused before anything is built: each one copies its anchor's whole subtree, so a few lines of them nest into
/// billions of nodes ("billion laughs"), and a template spec has no use for them.
/// </summary>
public static class YamlJson
{
    public static JsonNode? Convert(string yaml)
    {
        var scan = new Parser(new StringReader(yaml));
        while (scan.MoveNext())
        {
            if (scan.Current is YamlDotNet.Core.Events.AnchorAlias alias)
                throw new YamlException(alias.Start, alias.End, $"YAML aliases (*{alias.Value}) are not allowed in a template spec; write the value out.");
        }

        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count != 1) throw new YamlException("Exactly one YAML document is required.");
        return ToNode(stream.Documents[0].RootNode, 0);
    }

    static JsonNode? ToNode(YamlNode node, int depth)
    {
        if (depth > 32) throw new YamlException("Nested too deeply.");
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    string name = key is YamlScalarNode { Value: { } k } ? k : throw new YamlException(key.Start, key.End, "Keys must be scalars.");
                    if (obj.ContainsKey(name)) throw new YamlException(key.Start, key.End, $"Duplicate key '{name}'.");
                    obj[name] = ToNode(value, depth + 1);
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                foreach (var item in seq.Children) array.Add(ToNode(item, depth + 1));
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new YamlException(node.Start, node.End, "Aliases are not supported.");
        }
    }

    static JsonNode? Scalar(YamlScalarNode scalar)
    {
        string value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return JsonValue.Create(value);
        if (value is "" or "~" or "null" or "Null" or "NULL") return null;
        if (value is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (value is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return JsonValue.Create(l);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) return JsonValue.Create(d);
        return JsonValue.Create(value);
    }
}
