using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Coder.Cli.Output;
using Coder.Contracts.Auth;
using Coder.Contracts.Json;

namespace Coder.Cli.Commands;

/// <summary><c>coder tokens create|revoke</c> and <c>coder audit</c>.</summary>
public static class AdminCommands
{
    public static IEnumerable<Command> Build(CliContext context)
    {
        var tokens = new Command("tokens", "API tokens (admin).");
        var name = new Argument<string>("name");
        var user = new Option<string>("--user") { Required = true };
        var roles = new Option<string[]>("--role") { Description = "admin, template-admin or member (repeatable)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["member"] };
        var days = new Option<int>("--expires-in-days") { DefaultValueFactory = _ => 30 };
        var create = new Command("create", "Create a token; it is shown once.") { name, user, roles, days };
        context.Action(create, async (parse, client, ct) =>
        {
            var request = new CreateTokenRequest(parse.GetValue(name), parse.GetValue(roles), parse.GetValue(user), parse.GetValue(days));
            var created = await client.PostAsync("/api/tokens", request, CoderJsonContext.Default.CreateTokenRequest, ct);
            context.Print(parse, created.Body, c =>
            {
                c.WriteLine((string?)created.Body?["token"] ?? "");
                context.Console.Error.WriteLine("Store it now: it is not shown again.");
            });
        });
        tokens.Add(create);

        var revokeName = new Argument<string>("name");
        var revoke = new Command("revoke", "Revoke a token by name.") { revokeName };
        context.Action(revoke, async (parse, client, ct) =>
        {
            var answer = await client.DeleteAsync($"/api/tokens/{Uri.EscapeDataString(parse.GetValue(revokeName)!)}", ct);
            context.Print(parse, answer.Body ?? new JsonObject { ["name"] = parse.GetValue(revokeName), ["revoked"] = true }, c => c.WriteLine($"Revoked {parse.GetValue(revokeName)}."));
        });
        tokens.Add(revoke);
        yield return tokens;

        var from = new Option<DateTimeOffset?>("--from");
        var to = new Option<DateTimeOffset?>("--to");
        var audit = new Command("audit", "The audit log: who did what to which resource (admin).") { from, to };
        context.Action(audit, async (parse, client, ct) =>
        {
            var query = new List<string>();
            if (parse.GetValue(from) is { } f) query.Add("from=" + Uri.EscapeDataString(f.ToString("O")));
            if (parse.GetValue(to) is { } t) query.Add("to=" + Uri.EscapeDataString(t.ToString("O")));
            var items = new List<JsonNode?>();
            await foreach (var item in CliContext.PagesAsync(client, "/api/audit" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ct)) items.Add(item);
            context.Print(parse, new JsonObject { ["items"] = new JsonArray(items.Select(i => i?.DeepClone()).ToArray()) },
                c => Tables.Write(c, items, ("AT", "at"), ("WHO", "actor"), ("ACTION", "action"), ("TARGET", "target"), ("RESULT", "result"), ("REQUEST", "requestId")));
        });
        yield return audit;
    }
}
