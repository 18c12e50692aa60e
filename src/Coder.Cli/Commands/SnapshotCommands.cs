using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary><c>coder snapshot|snapshots|restore</c>; the snapshot list is drawn as its lineage tree.</summary>
public static class SnapshotCommands
{
    public static IEnumerable<Command> Build(CliContext context)
    {
        var workspace = new Argument<string>("workspace") { Description = "Name or id" };
        var label = new Option<string?>("--label");
        var snapshot = new Command("snapshot", "Take a snapshot of a workspace.") { workspace, label, CliContext.NoWaitOption };
        context.Action(snapshot, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(workspace)!, ct);
            var body = new JsonObject();
            if (parse.GetValue(label) is { } l) body["label"] = l;
            var accepted = await client.PostJsonAsync($"/api/workspaces/{Uri.EscapeDataString(id)}/snapshots", body.ToJsonString(), ct);
            string snapshotId = (string?)accepted.Body?["snapshotId"] ?? "";
            context.Console.Error.WriteLine($"Snapshot {snapshotId} accepted.");
            await context.FollowAsync(parse, client, accepted, () =>
            {
                context.Print(parse, new JsonObject { ["workspaceId"] = id, ["snapshotId"] = snapshotId }, c => c.WriteLine(snapshotId));
                return Task.CompletedTask;
            }, ct);
        });
        yield return snapshot;

        var listWorkspace = new Argument<string>("workspace") { Description = "Name or id" };
        var snapshots = new Command("snapshots", "List a workspace's snapshots as their lineage tree.") { listWorkspace };
        context.Action(snapshots, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(listWorkspace)!, ct);
            var body = (await client.GetAsync($"/api/workspaces/{Uri.EscapeDataString(id)}/snapshots", ct)).Body;
            context.Print(parse, body, c => c.Write(Lineage(id, body?["items"]?.AsArray() ?? [])));
        });
        yield return snapshots;

        var restoreWorkspace = new Argument<string>("workspace") { Description = "Name or id" };
        var snapshotId = new Argument<string>("snapshot");
        var restore = new Command("restore", "Restore a workspace in place from one of its snapshots.") { restoreWorkspace, snapshotId, CliContext.NoWaitOption };
        context.Action(restore, async (parse, client, ct) =>
        {
            string id = await CliContext.ResolveWorkspaceAsync(client, parse.GetValue(restoreWorkspace)!, ct);
            var accepted = await client.PostJsonAsync($"/api/workspaces/{Uri.EscapeDataString(id)}/restore", new JsonObject { ["snapshotId"] = parse.GetValue(snapshotId) }.ToJsonString(), ct);
            await context.FollowAsync(parse, client, accepted, () => WorkspaceCommands.ShowAsync(context, parse, client, id, ct), ct);
        });
        yield return restore;
    }

    /// <summary>Roots are snapshots whose parent is not in the list (it belongs to another workspace of the branch).</summary>
    public static Tree Lineage(string workspaceId, JsonArray items)
    {
        var byId = items.Where(i => i is not null).ToDictionary(i => (string)i!["id"]!, i => i!);
        var children = byId.Values.GroupBy(i => (string?)i["parentId"] is { } p && byId.ContainsKey(p) ? p : "").ToDictionary(g => g.Key, g => g.OrderBy(i => (string?)i["createdAt"], StringComparer.Ordinal).ToList());
        var tree = new Tree(Markup.Escape(workspaceId));
        void Add(IHasTreeNodes parent, string key)
        {
            foreach (var item in children.GetValueOrDefault(key) ?? [])
            {
                string id = (string)item["id"]!;
                string from = (string?)item["parentId"] is { } p && !byId.ContainsKey(p) ? $" (from {p})" : "";
                long size = (long?)item["sizeBytes"] ?? 0;
                string text = $"{id}{from} [grey]{Markup.Escape((string?)item["label"] ?? "")} {Markup.Escape((string?)item["status"] ?? "")} {size.ToString("N0", CultureInfo.InvariantCulture)} B {Markup.Escape((string?)item["createdAt"] ?? "")}[/]";
                Add(parent.AddNode(text), id);
            }
        }

        Add(tree, "");
        return tree;
    }
}
