using System.CommandLine;
using System.Text.Json;
using Coder.Cli.Output;
using Coder.Contracts.Json;
using Coder.Contracts.Secrets;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary><c>coder dotfiles set|get|rm</c>: the dotfiles repository cloned and installed in each of your workspaces.</summary>
public static class DotfilesCommands
{
    public static Command Build(CliContext context)
    {
        var dotfiles = new Command("dotfiles", "Your dotfiles repository, cloned and installed in each of your new workspaces.");

        var url = new Argument<string>("url") { Description = "An https, ssh or file URL, without credentials in it." };
        var installScript = new Option<string?>("--install-script") { Description = "The script in the repository to run (default: install.sh, bootstrap.sh, setup.sh, ...; none: link the dotfiles into $HOME)." };
        var credentialSecret = new Option<string?>("--credential-secret") { Description = "The secret that holds the repository's access token, when it is private." };
        var set = new Command("set", "Register your dotfiles repository.") { url, installScript, credentialSecret };
        context.Action(set, async (parse, client, ct) =>
        {
            var request = new DotfilesRequest(parse.GetValue(url), parse.GetValue(installScript), parse.GetValue(credentialSecret));
            var answer = await client.PutJsonAsync("/api/users/me/dotfiles", JsonSerializer.Serialize(request, CoderJsonContext.Default.DotfilesRequest), ct);
            context.Print(parse, answer.Body, c => Write(c, answer.Body));
        });
        dotfiles.Add(set);

        var get = new Command("get", "Show your dotfiles repository.");
        context.Action(get, async (parse, client, ct) =>
        {
            var answer = await client.GetAsync("/api/users/me/dotfiles", ct);
            context.Print(parse, answer.Body, c => Write(c, answer.Body));
        });
        dotfiles.Add(get);

        var rm = new Command("rm", "Forget your dotfiles repository (workspaces keep what they cloned).");
        context.Action(rm, async (parse, client, ct) =>
        {
            await client.DeleteAsync("/api/users/me/dotfiles", ct);
            context.Console.Error.MarkupLine("Dotfiles removed.");
        });
        dotfiles.Add(rm);
        return dotfiles;
    }

    static void Write(IAnsiConsole console, System.Text.Json.Nodes.JsonNode? body) =>
        Tables.WriteFields(console, body, ("URL", "url"), ("Install script", "installScript"), ("Credential secret", "credentialSecret"), ("Updated", "updatedAt"));
}
