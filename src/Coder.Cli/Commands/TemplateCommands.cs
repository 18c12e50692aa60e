using System.CommandLine;
using Spectre.Console;
using Coder.Cli.Output;
using Coder.Cli.Specs;

namespace Coder.Cli.Commands;

/// <summary><c>coder templates create|list|show|push-version|promote</c>.</summary>
public static class TemplateCommands
{
    public static Command Build(CliContext context)
    {
        var templates = new Command("templates", "Manage templates and their versions.");

        var file = new Argument<FileInfo>("file") { Description = "A template spec, JSON or YAML" };
        var create = new Command("create", "Create a template from a spec file (its name is in the file).") { file };
        context.Action(create, async (parse, client, ct) =>
        {
            var spec = ReadSpec(parse.GetValue(file)!);
            var created = await client.PostJsonAsync("/api/templates", spec.ToJsonString(), ct);
            context.Print(parse, created.Body, c => c.WriteLine($"Created template {(string?)created.Body?["name"]} (active version {created.Body?["activeVersion"]})."));
        });

        var list = new Command("list", "List templates.");
        context.Action(list, async (parse, client, ct) =>
        {
            var items = new List<System.Text.Json.Nodes.JsonNode?>();
            await foreach (var item in CliContext.PagesAsync(client, "/api/templates", ct)) items.Add(item);
            context.Print(parse, new System.Text.Json.Nodes.JsonObject { ["items"] = new System.Text.Json.Nodes.JsonArray(items.Select(i => i?.DeepClone()).ToArray()) },
                c => Tables.Write(c, items, ("NAME", "name"), ("PROVISIONER", "provisioner"), ("ACTIVE", "activeVersion"), ("LATEST", "latestVersion"), ("DESCRIPTION", "description")));
        });

        var name = new Argument<string>("name");
        var show = new Command("show", "Show a template's active spec and its versions.") { name };
        context.Action(show, async (parse, client, ct) =>
        {
            var details = (await client.GetAsync($"/api/templates/{Uri.EscapeDataString(parse.GetValue(name)!)}", ct)).Body;
            context.Print(parse, details, c =>
            {
                Tables.WriteFields(c, details, ("Name", "name"), ("Active version", "activeVersion"), ("Provisioner", "spec.provisioner"), ("Image", "spec.image"),
                    ("CPU", "spec.resources.cpu"), ("Memory MiB", "spec.resources.memoryMiB"), ("Max CPU", "spec.limits.maxCpu"), ("Max memory MiB", "spec.limits.maxMemoryMiB"), ("Max replicas", "spec.limits.maxReplicas"));
                Tables.Write(c, details?["versions"]?.AsArray() ?? [], ("VERSION", "version"), ("CREATED", "createdAt"), ("ACTIVE", "active"));
            });
        });

        var pushName = new Argument<string>("name");
        var pushFile = new Argument<FileInfo>("file") { Description = "The new version's spec, JSON or YAML" };
        var push = new Command("push-version", "Add an immutable version to a template.") { pushName, pushFile };
        context.Action(push, async (parse, client, ct) =>
        {
            var spec = ReadSpec(parse.GetValue(pushFile)!);
            spec.Remove("name");
            var created = await client.PostJsonAsync($"/api/templates/{Uri.EscapeDataString(parse.GetValue(pushName)!)}/versions", spec.ToJsonString(), ct);
            context.Print(parse, created.Body, c => c.WriteLine($"Pushed {(string?)created.Body?["name"]} version {created.Body?["version"]}."));
        });

        var promoteName = new Argument<string>("name");
        var version = new Argument<int>("version");
        var promote = new Command("promote", "Make a version the active one.") { promoteName, version };
        context.Action(promote, async (parse, client, ct) =>
        {
            var promoted = await client.PostJsonAsync($"/api/templates/{Uri.EscapeDataString(parse.GetValue(promoteName)!)}/versions/{parse.GetValue(version)}/promote", null, ct);
            context.Print(parse, promoted.Body, c => c.WriteLine($"{(string?)promoted.Body?["name"]} now runs version {promoted.Body?["activeVersion"]}."));
        });

        templates.Add(create);
        templates.Add(list);
        templates.Add(show);
        templates.Add(push);
        templates.Add(promote);
        return templates;
    }

    static System.Text.Json.Nodes.JsonObject ReadSpec(FileInfo file)
    {
        if (!file.Exists) throw new CliUsageException($"{file.FullName} does not exist.");
        try
        {
            return SpecFile.Read(file.FullName);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw new CliUsageException($"{file.Name}: {e.Message}");
        }
    }
}
