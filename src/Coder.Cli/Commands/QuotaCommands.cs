using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coder.Cli.Output;
using Coder.Contracts.Json;
using Coder.Contracts.Quotas;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary><c>coder quota get|set</c>: an owner's limits and usage (API.md "Quotas").</summary>
public static class QuotaCommands
{
    public static Command Build(CliContext context)
    {
        var quota = new Command("quota", "Workspace quotas: limits and what is in use.");

        var getOwner = new Argument<string>("owner") { Description = "A user (yours, unless you are an admin) or 'default'." };
        var get = new Command("get", "Show an owner's limits and usage.") { getOwner };
        context.Action(get, async (parse, client, ct) =>
        {
            var answer = await client.GetAsync($"/api/quotas/{Uri.EscapeDataString(parse.GetValue(getOwner)!)}", ct);
            context.Print(parse, answer.Body, c => Write(c, answer.Body));
        });
        quota.Add(get);

        var setOwner = new Argument<string>("owner") { Description = "A user, or 'default' for everyone without limits of their own." };
        var maxWorkspaces = new Option<int?>("--max-workspaces") { Description = "Workspaces not deleted." };
        var maxRunning = new Option<int?>("--max-running-workspaces") { Description = "Workspaces meant to run." };
        var maxCpu = new Option<double?>("--max-cpu") { Description = "Cpu of the running workspaces, times their replicas." };
        var maxMemory = new Option<int?>("--max-memory-mib") { Description = "Memory (MiB) of the running workspaces, times their replicas." };
        var set = new Command("set", "Replace an owner's limits (admin); a limit not given is none.") { setOwner, maxWorkspaces, maxRunning, maxCpu, maxMemory };
        context.Action(set, async (parse, client, ct) =>
        {
            var limits = new QuotaLimits(parse.GetValue(maxWorkspaces), parse.GetValue(maxRunning), parse.GetValue(maxCpu), parse.GetValue(maxMemory));
            var answer = await client.PutJsonAsync($"/api/quotas/{Uri.EscapeDataString(parse.GetValue(setOwner)!)}", JsonSerializer.Serialize(limits, CoderJsonContext.Default.QuotaLimits), ct);
            context.Print(parse, answer.Body, c => Write(c, answer.Body));
        });
        quota.Add(set);
        return quota;
    }

    static void Write(IAnsiConsole console, JsonNode? body)
    {
        string[] names = ["workspaces", "runningWorkspaces", "cpu", "memoryMiB"];
        string[] limits = ["maxWorkspaces", "maxRunningWorkspaces", "maxCpu", "maxMemoryMiB"];
        var rows = names.Select((name, i) => (JsonNode?)new JsonObject
        {
            ["quota"] = limits[i],
            ["limit"] = body?["limits"]?[limits[i]]?.DeepClone() ?? "none",
            ["usage"] = body?["usage"]?[name]?.DeepClone() ?? "-",
        });
        console.WriteLine($"Owner: {Tables.Text(body?["owner"])}");
        Tables.Write(console, rows, ("QUOTA", "quota"), ("LIMIT", "limit"), ("USAGE", "usage"));
    }
}
