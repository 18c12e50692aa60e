using System.CommandLine;
using System.Text.Json.Nodes;
using Coder.Cli.Output;
using Coder.Contracts.Json;
using Coder.Contracts.Workspaces;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary><c>coder create|list|show|start|stop|restart|delete|scale|update</c>.</summary>
public static class WorkspaceCommands
{
    static readonly (string, string)[] ListColumns =
    [
        ("ID", "id"), ("NAME", "name"), ("STATUS", "status"), ("TEMPLATE", "template"), ("VERSION", "templateVersion"),
        ("AGENT", "agent.lifecycle"), ("CPU", "size.cpu"), ("MEMORY MiB", "size.memoryMiB"), ("REPLICAS", "replicas"),
    ];

    public static IEnumerable<Command> Build(CliContext context)
    {
        yield return Create(context);
        yield return List(context);
        yield return Show(context);
        foreach (string verb in new[] { "start", "stop", "restart" }) yield return Lifecycle(context, verb);
        yield return Delete(context);
        yield return Scale(context);
        yield return Update(context);
    }

    static Command Create(CliContext context)
    {
        var name = new Argument<string>("name");
        var template = new Option<string>("--template", "-t") { Required = true, Description = "The template to build from" };
        var version = new Option<int?>("--template-version") { Description = "A template version (default: the active one)" };
        var size = new Option<string?>("--size") { Description = "CPUxMEMORY, e.g. 2x4096" };
        var replicas = new Option<int?>("--replicas");
        var fromSnapshot = new Option<string?>("--from-snapshot") { Description = "Branch the new workspace off a snapshot" };
        var parameter = new Option<string[]>("--parameter", "-p") { Description = "A template parameter, NAME=VALUE (repeatable); at a terminal, required ones not given are asked for" };
        var command = new Command("create", "Create a workspace and wait until it runs.") { name, template, version, size, replicas, fromSnapshot, parameter, CliContext.NoWaitOption };
        context.Action(command, async (parse, client, ct) =>
        {
            var parameters = await ParameterPrompts.CollectAsync(context, client, parse.GetValue(template)!, parse.GetValue(version), parse.GetValue(parameter) ?? [], ct);
            var request = new CreateWorkspaceRequest
            {
                Name = parse.GetValue(name),
                Template = parse.GetValue(template),
                TemplateVersion = parse.GetValue(version),
                Size = parse.GetValue(size) is { } s ? SizeSyntax.Parse(s) : null,
                Replicas = parse.GetValue(replicas),
                FromSnapshot = parse.GetValue(fromSnapshot),
                Parameters = parameters.Count > 0 ? parameters : null,
            };
            var accepted = await client.PostAsync("/api/workspaces", request, CoderJsonContext.Default.CreateWorkspaceRequest, ct);
            string id = (string)accepted.Body!["id"]!;
            context.Console.Error.WriteLine($"Workspace {id} accepted.");
            await context.FollowAsync(parse, client, accepted, () => ShowAsync(context, parse, client, id, ct), ct);
        });
        return command;
    }

    static Command List(CliContext context)
    {
        var status = new Option<string?>("--status");
        var template = new Option<string?>("--template");
        var command = new Command("list", "List your workspaces (admins: all).") { status, template };
        context.Action(command, async (parse, client, ct) =>
        {
            var query = new List<string>();
            if (parse.GetValue(status) is { } s) query.Add("status=" + Uri.EscapeDataString(s));
            if (parse.GetValue(template) is { } t) query.Add("template=" + Uri.EscapeDataString(t));
            var items = new List<JsonNode?>();
            await foreach (var item in CliContext.PagesAsync(client, "/api/workspaces" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ct)) items.Add(item);
            context.Print(parse, new JsonObject { ["items"] = new JsonArray(items.Select(i => i?.DeepClone()).ToArray()) }, c => Tables.Write(c, items, ListColumns));
        });
        return command;
    }

    static Command Show(CliContext context)
    {
        var workspace = new Argument<string>("workspace") { Description = "Name or id" };
        var command = new Command("show", "Show a workspace.") { workspace };
        context.Action(command, async (parse, client, ct) =>
            await ShowAsync(context, parse, client, await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(workspace)!, ct), ct));
        return command;
    }

    public static async Task ShowAsync(CliContext context, ParseResult parse, Http.CoderClient client, string id, CancellationToken ct)
    {
        var body = (await client.GetAsync($"/api/workspaces/{Uri.EscapeDataString(id)}", ct)).Body;
        context.Print(parse, body, c => Tables.WriteFields(c, body,
            ("ID", "id"), ("Name", "name"), ("Owner", "owner"), ("Status", "status"), ("Template", "template"), ("Version", "templateVersion"), ("Outdated", "outdated"),
            ("CPU", "size.cpu"), ("Memory MiB", "size.memoryMiB"), ("Limits enforced", "size.enforced"), ("Replicas", "replicas"),
            ("Agent", "agent.lifecycle"), ("Connection", "agent.connection"), ("Last heartbeat", "agent.lastHeartbeatAt"),
            ("CPU %", "agent.metrics.cpuPercent"), ("Memory %", "agent.metrics.memoryPercent"), ("Sessions", "agent.metrics.sessions"),
            ("Parameters", "parameters"), ("Pending", "pendingChanges.parameters"),
            ("Failure", "failureReason"), ("Operation", "operation.id"), ("Updated", "updatedAt")));
    }

    static Command Lifecycle(CliContext context, string verb)
    {
        var workspace = new Argument<string>("workspace") { Description = "Name or id" };
        var command = new Command(verb, $"{char.ToUpperInvariant(verb[0])}{verb[1..]} a workspace.") { workspace, CliContext.NoWaitOption };
        context.Action(command, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(workspace)!, ct);
            var accepted = await client.PostJsonAsync($"/api/workspaces/{Uri.EscapeDataString(id)}/{verb}", null, ct);
            await context.FollowAsync(parse, client, accepted, () => ShowAsync(context, parse, client, id, ct), ct);
        });
        return command;
    }

    static Command Delete(CliContext context)
    {
        var workspace = new Argument<string>("workspace") { Description = "Name or id" };
        var force = new Option<bool>("--force") { Description = "Delete even when its compute is gone or unreachable (teardown errors are recorded, not fatal)" };
        var command = new Command("delete", "Delete a workspace and everything it owns.") { workspace, force, CliContext.NoWaitOption };
        context.Action(command, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(workspace)!, ct);
            var accepted = await client.DeleteAsync($"/api/workspaces/{Uri.EscapeDataString(id)}" + (parse.GetValue(force) ? "?force=true" : ""), ct);
            await context.FollowAsync(parse, client, accepted, () =>
            {
                context.Print(parse, new JsonObject { ["id"] = id, ["status"] = "deleted" }, c => c.MarkupLine($"Workspace {Markup.Escape(id)} is deleted."));
                return Task.CompletedTask;
            }, ct);
        });
        return command;
    }

    static Command Update(CliContext context)
    {
        var workspace = new Argument<string>("workspace") { Description = "Name or id" };
        var parameter = new Option<string[]>("--parameter", "-p") { Description = "A new value of a mutable parameter, NAME=VALUE (repeatable)", Required = true };
        var ifMatch = new Option<string?>("--if-match") { Description = "Only if the workspace still has this ETag" };
        var command = new Command("update", "Change a workspace's parameters; they apply on its next start.") { workspace, parameter, ifMatch };
        context.Action(command, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(workspace)!, ct);
            string template = (string)(await client.GetAsync($"/api/workspaces/{Uri.EscapeDataString(id)}", ct)).Body!["template"]!;
            var request = new UpdateWorkspaceRequest { Parameters = await ParameterPrompts.ParseAsync(client, template, null, parse.GetValue(parameter)!, ct) };
            var updated = await client.PatchAsync($"/api/workspaces/{Uri.EscapeDataString(id)}", request, CoderJsonContext.Default.UpdateWorkspaceRequest, parse.GetValue(ifMatch), ct);
            context.Print(parse, updated.Body, c => Tables.WriteFields(c, updated.Body, ("ID", "id"), ("Name", "name"), ("Status", "status"),
                ("Parameters", "parameters"), ("Applies on", "pendingChanges.appliesOn"), ("Pending", "pendingChanges.parameters")));
        });
        return command;
    }

    static Command Scale(CliContext context)
    {
        var workspace = new Argument<string>("workspace") { Description = "Name or id" };
        var cpu = new Option<double?>("--cpu");
        var memory = new Option<int?>("--memory") { Description = "MiB" };
        var replicas = new Option<int?>("--replicas");
        var ifMatch = new Option<string?>("--if-match") { Description = "Only if the workspace still has this ETag" };
        var command = new Command("scale", "Resize a workspace or change its replicas.") { workspace, cpu, memory, replicas, ifMatch, CliContext.NoWaitOption };
        context.Action(command, async (parse, client, ct) =>
        {
            double? c = parse.GetValue(cpu);
            int? m = parse.GetValue(memory), r = parse.GetValue(replicas);
            if (c is null && m is null && r is null) throw new CliUsageException("Give --cpu, --memory or --replicas.");
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(workspace)!, ct);
            var request = new UpdateWorkspaceRequest { Size = c is null && m is null ? null : new WorkspaceSize(c, m), Replicas = r };
            var accepted = await client.PatchAsync($"/api/workspaces/{Uri.EscapeDataString(id)}", request, CoderJsonContext.Default.UpdateWorkspaceRequest, parse.GetValue(ifMatch), ct);
            await context.FollowAsync(parse, client, accepted, () => ShowAsync(context, parse, client, id, ct), ct);
        });
        return command;
    }
}
