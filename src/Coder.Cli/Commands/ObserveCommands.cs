using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Coder.Cli.Output;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary><c>coder events [--follow]</c> and <c>coder metrics</c>.</summary>
public static class ObserveCommands
{
    static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(1);

    public static IEnumerable<Command> Build(CliContext context)
    {
        yield return Events(context);
        yield return Metrics(context);
    }

    static Command Events(CliContext context)
    {
        var workspace = new Argument<string>("workspace") { Description = "Name or id" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events until interrupted" };
        var max = new Option<int>("--max") { DefaultValueFactory = _ => 50 };
        var command = new Command("events", "The workspace's timeline: what happened, why, and who asked.") { workspace, follow, max };
        context.Action(command, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(workspace)!, ct);
            bool json = parse.GetValue(CliContext.OutputOption) == OutputFormat.Json;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            do
            {
                var body = (await client.GetAsync($"/api/workspaces/{Uri.EscapeDataString(id)}/events?max={parse.GetValue(max)}", ct)).Body;
                var items = body?["items"]?.AsArray() ?? [];
                if (!parse.GetValue(follow))
                {
                    context.Print(parse, body, c => Tables.Write(c, items.Reverse(), ("AT", "at"), ("KIND", "kind"), ("MESSAGE", "message"), ("REASON", "reason"), ("ACTOR", "actor")));
                    return;
                }

                // The API answers newest first; a log reads oldest first.
                foreach (var e in items.Reverse())
                {
                    if (!seen.Add($"{e?["at"]}|{e?["kind"]}|{e?["message"]}")) continue;
                    if (json) context.Console.StdOut.WriteLine(e?.ToJsonString());
                    else context.Console.Out.MarkupLine($"[grey]{Markup.Escape((string?)e?["at"] ?? "")}[/] [bold]{Markup.Escape((string?)e?["kind"] ?? "")}[/] {Markup.Escape((string?)e?["message"] ?? "")}" + ((string?)e?["reason"] is { } r ? $" [yellow]({Markup.Escape(r)})[/]" : ""));
                }

                try
                {
                    await Task.Delay(FollowInterval, context.Time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            while (!ct.IsCancellationRequested);
        });
        return command;
    }

    static Command Metrics(CliContext context)
    {
        var workspace = new Argument<string>("workspace") { Description = "Name or id" };
        var window = new Option<string>("--window") { DefaultValueFactory = _ => "1h" };
        var command = new Command("metrics", "CPU and memory of a workspace over a window, as sparklines.") { workspace, window };
        context.Action(command, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(workspace)!, ct);
            var body = (await client.GetAsync($"/api/workspaces/{Uri.EscapeDataString(id)}/metrics?window={Uri.EscapeDataString(parse.GetValue(window)!)}", ct)).Body;
            var points = (body?["points"] ?? body?["items"] ?? body?["series"])?.AsArray() ?? [];
            context.Print(parse, body, c =>
            {
                c.MarkupLine($"[bold]{Markup.Escape(id)}[/] over {Markup.Escape(parse.GetValue(window)!)} ({points.Count} points)");
                Line(c, "CPU %", points.Select(p => Number(p, "cpuPercent")).ToList());
                Line(c, "Memory %", points.Select(p => Number(p, "memoryPercent")).ToList());
            });
        });
        return command;
    }

    static void Line(IAnsiConsole console, string label, IReadOnlyList<double?> values)
    {
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        string summary = present.Count == 0 ? "no data" : string.Create(CultureInfo.InvariantCulture, $"now {present[^1]:0.#}  max {present.Max():0.#}  avg {present.Average():0.#}");
        console.MarkupLine($"{Markup.Escape(label),-9} {Markup.Escape(Sparkline.Render(values))}  [grey]{Markup.Escape(summary)}[/]");
    }

    static double? Number(JsonNode? point, string name) =>
        point?[name] is JsonValue v && v.TryGetValue(out double d) ? d : (point?["avg"]?[name] is JsonValue a && a.TryGetValue(out double avg) ? avg : null);
}
