using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Coder.Cli.Output;

namespace Coder.Cli.Commands;

/// <summary><c>coder upgrade</c> and <c>coder rollout start|status|pause|resume|abort</c>.</summary>
public static class UpgradeCommands
{
    public static IEnumerable<Command> Build(CliContext context)
    {
        var workspace = new Argument<string>("workspace") { Description = "Name or id" };
        var version = new Option<int?>("--version") { Description = "Default: the template's active version" };
        var strategy = new Option<string>("--strategy") { DefaultValueFactory = _ => "in-place", Description = "in-place or blue-green" };
        strategy.AcceptOnlyFromAmong("in-place", "blue-green");
        var parameter = new Option<string[]>("--parameter", "-p") { Description = "A value for a parameter the new version adds, NAME=VALUE (repeatable); the others carry over" };
        var upgrade = new Command("upgrade", "Upgrade a workspace to a template version.") { workspace, version, strategy, parameter, CliContext.NoWaitOption };
        context.Action(upgrade, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(workspace)!, ct);
            var body = new JsonObject { ["strategy"] = parse.GetValue(strategy) };
            if (parse.GetValue(version) is { } v) body["version"] = v;
            if (parse.GetValue(parameter) is { Length: > 0 } given)
            {
                string template = (string)(await client.GetAsync($"/api/workspaces/{Uri.EscapeDataString(id)}", ct)).Body!["template"]!;
                var values = await ParameterPrompts.ParseAsync(client, template, parse.GetValue(version), given, ct);
                body["parameters"] = new JsonObject(values.Select(p => KeyValuePair.Create(p.Key, JsonNode.Parse(p.Value.GetRawText()))));
            }
            var accepted = await client.PostJsonAsync($"/api/workspaces/{Uri.EscapeDataString(id)}/upgrade", body.ToJsonString(), ct);
            await context.FollowAsync(parse, client, accepted, () => WorkspaceCommands.ShowAsync(context, parse, client, id, ct), ct);
        });
        yield return upgrade;
        yield return Rollout(context);
    }

    static Command Rollout(CliContext context)
    {
        var rollout = new Command("rollout", "Canary rollouts of a template version over its workspaces.");

        var template = new Argument<string>("template");
        var version = new Option<int>("--version") { Required = true };
        var canary = new Option<int>("--canary-percent") { DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 5 };
        var bake = new Option<double>("--bake-minutes") { DefaultValueFactory = _ => 10 };
        var maxFailed = new Option<int>("--max-failed-percent") { DefaultValueFactory = _ => 20 };
        var start = new Command("start", "Start a rollout.") { template, version, canary, batch, bake, maxFailed };
        context.Action(start, async (parse, client, ct) =>
        {
            var body = new JsonObject
            {
                ["version"] = parse.GetValue(version), ["strategy"] = "canary", ["canaryPercent"] = parse.GetValue(canary),
                ["batchSize"] = parse.GetValue(batch), ["bakeMinutes"] = parse.GetValue(bake), ["maxFailedPercent"] = parse.GetValue(maxFailed),
            };
            var accepted = await client.PostJsonAsync($"/api/templates/{Uri.EscapeDataString(parse.GetValue(template)!)}/rollouts", body.ToJsonString(), ct);
            context.Print(parse, accepted.Body, c => c.WriteLine((string?)accepted.Body?["id"] ?? ""));
        });
        rollout.Add(start);

        var id = new Argument<string>("rollout");
        var status = new Command("status", "Show a rollout, per batch and per workspace.") { id };
        context.Action(status, async (parse, client, ct) =>
        {
            var body = (await client.GetAsync($"/api/rollouts/{Uri.EscapeDataString(parse.GetValue(id)!)}", ct)).Body;
            context.Print(parse, body, c =>
            {
                Tables.WriteFields(c, body, ("ID", "id"), ("Template", "template"), ("Version", "version"), ("Status", "status"), ("Reason", "reason"));
                var workspaces = body?["workspaces"]?.AsArray() ?? [];
                Tables.Write(c, workspaces, ("WORKSPACE", "workspaceId"), ("BATCH", "batch"), ("STATUS", "status"), ("REASON", "reason"));
            });
        });
        rollout.Add(status);

        foreach (string verb in new[] { "pause", "resume", "abort" })
        {
            var target = new Argument<string>("rollout");
            var command = new Command(verb, $"{char.ToUpperInvariant(verb[0])}{verb[1..]} a rollout.") { target };
            context.Action(command, async (parse, client, ct) =>
            {
                var accepted = await client.PostJsonAsync($"/api/rollouts/{Uri.EscapeDataString(parse.GetValue(target)!)}/{verb}", null, ct);
                context.Print(parse, accepted.Body ?? new JsonObject { ["id"] = parse.GetValue(target), ["requested"] = verb }, c => c.WriteLine($"{verb} requested for {parse.GetValue(target)}."));
            });
            rollout.Add(command);
        }

        return rollout;
    }
}
