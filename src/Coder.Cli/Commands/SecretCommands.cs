using System.CommandLine;
using System.Text.Json;
using Coder.Cli.Output;
using Coder.Contracts.Json;
using Coder.Contracts.Secrets;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary>
/// <c>coder secrets list|set|rm</c>: the caller's secrets (API.md "Secrets and dotfiles"). A value is read from stdin or a
/// hidden prompt, never from the command line (argv is visible to every process on the machine and kept in shell history).
/// </summary>
public static class SecretCommands
{
    public static Command Build(CliContext context)
    {
        var secrets = new Command("secrets", "Your secrets: environment variables in each of your workspaces, and git credentials.");

        var list = new Command("list", "List your secrets' names (values are never shown).");
        context.Action(list, async (parse, client, ct) =>
        {
            var answer = await client.GetAsync("/api/users/me/secrets", ct);
            context.Print(parse, answer.Body, c => Tables.Write(c, answer.Body?["items"]?.AsArray() ?? [], ("NAME", "name"), ("UPDATED", "updatedAt")));
        });
        secrets.Add(list);

        var setName = new Argument<string>("name") { Description = "An environment variable name: A-Z, 0-9 and _, not starting with CODER_." };
        var set = new Command("set", "Set a secret; the value comes from stdin, or a prompt that does not echo.") { setName };
        context.Action(set, async (parse, client, ct) =>
        {
            string name = parse.GetValue(setName)!;
            string value = await ReadValueAsync(context, name, ct);
            var body = JsonSerializer.Serialize(new SecretValueRequest(value), CoderJsonContext.Default.SecretValueRequest);
            var answer = await client.PutJsonAsync($"/api/users/me/secrets/{Uri.EscapeDataString(name)}", body, ct);
            context.Print(parse, answer.Body, c => c.MarkupLine($"Secret {Markup.Escape(name)} set; workspaces started from now on get it."));
        });
        secrets.Add(set);

        var rmName = new Argument<string>("name") { Description = "The secret to delete." };
        var rm = new Command("rm", "Delete a secret.") { rmName };
        context.Action(rm, async (parse, client, ct) =>
        {
            string name = parse.GetValue(rmName)!;
            await client.DeleteAsync($"/api/users/me/secrets/{Uri.EscapeDataString(name)}", ct);
            context.Console.Error.MarkupLine($"Secret {Markup.Escape(name)} deleted.");
        });
        secrets.Add(rm);
        return secrets;
    }

    /// <summary>All of stdin when it is redirected (less one final line break), else a prompt that does not echo.</summary>
    static async Task<string> ReadValueAsync(CliContext context, string name, CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected)
        {
            string piped = await Console.In.ReadToEndAsync(cancellationToken);
            return piped.EndsWith("\r\n", StringComparison.Ordinal) ? piped[..^2] : piped.EndsWith('\n') ? piped[..^1] : piped;
        }

        if (!context.Console.Interactive) throw new CliUsageException($"No value: pipe it in, e.g. 'coder secrets set {name} < file'.");
        return await context.Console.Error.PromptAsync(new TextPrompt<string>($"Value of {Markup.Escape(name)}:").Secret(), cancellationToken);
    }
}
