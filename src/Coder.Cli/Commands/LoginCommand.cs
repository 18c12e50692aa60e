using System.CommandLine;
using Coder.Cli.Config;
using Coder.Cli.Http;
using Coder.Cli.Output;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary><c>coder login &lt;url&gt; --token &lt;t&gt;</c>: checks the token against the API, then stores both (0600).</summary>
public static class LoginCommand
{
    public static Command Build(CliContext context)
    {
        var url = new Argument<string>("url") { Description = "The control plane, e.g. http://127.0.0.1:7071" };
        var token = new Option<string>("--token") { Description = "An API token (cdr_…)", Required = true };
        var command = new Command("login", "Store the control plane's URL and your token.") { url, token };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string address = parse.GetValue(url)!.TrimEnd('/');
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                context.Console.Error.MarkupLine($"[red]error:[/] '{Markup.Escape(address)}' is not an http(s) URL.");
                return CliContext.UsageError;
            }

            try
            {
                // Any authenticated read proves the token; the list is cheap.
                using var client = new CoderClient(address, parse.GetValue(token));
                await client.GetAsync("/api/workspaces", cancellationToken);
            }
            catch (ApiException e)
            {
                ProblemPrinter.Print(context.Console.Error, e.Problem);
                return CliContext.ApiError;
            }
            catch (HttpRequestException e)
            {
                context.Console.Error.MarkupLine($"[red]error:[/] {Markup.Escape(address)} could not be reached: {Markup.Escape(e.Message)}");
                return CliContext.ApiError;
            }

            context.Config.Save(new CliConfig(address, parse.GetValue(token)));
            context.Console.Out.MarkupLine($"Logged in to {Markup.Escape(address)} (saved in {Markup.Escape(context.Config.Path)}).");
            return 0;
        });
        return command;
    }
}
