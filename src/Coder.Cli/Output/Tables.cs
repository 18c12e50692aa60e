using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Coder.Cli.Output;

/// <summary>Renders API items as a table, one column per named JSON path (<c>agent.lifecycle</c>).</summary>
public static class Tables
{
    public static void Write(IAnsiConsole console, IEnumerable<JsonNode?> items, params (string Header, string Path)[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var (header, _) in columns) table.AddColumn(header);
        foreach (var item in items)
        {
            table.AddRow(columns.Select(c => Markup.Escape(Text(Select(item, c.Path)))).ToArray());
        }

        console.Write(table);
    }

    /// <summary>One resource as key/value lines.</summary>
    public static void WriteFields(IAnsiConsole console, JsonNode? item, params (string Label, string Path)[] fields)
    {
        var grid = new Grid().AddColumn().AddColumn();
        foreach (var (label, path) in fields)
        {
            string value = Text(Select(item, path));
            if (value.Length > 0) grid.AddRow($"[bold]{Markup.Escape(label)}[/]", Markup.Escape(value));
        }

        console.Write(grid);
    }

    public static JsonNode? Select(JsonNode? node, string path)
    {
        foreach (string part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
            if (node is null) return null;
        }

        return node;
    }

    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue(out string? s) => s ?? "",
        JsonValue v when v.TryGetValue(out double d) => d.ToString("0.##", CultureInfo.InvariantCulture),
        JsonArray a => string.Join(", ", a.Select(Text)),
        _ => node.ToJsonString(),
    };
}
