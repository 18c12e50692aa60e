using System.CommandLine;
using System.Text.Json.Nodes;
using Coder.Cli.Config;
using Coder.Cli.Connect;
using Coder.Cli.Http;
using Coder.Cli.Output;
using Coder.Cli.Progress;
using Coder.Contracts.Errors;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary>What every command needs: the console, the login, an API client, and one way to turn failures into exit codes.</summary>
public sealed class CliContext(CliConsole console, ConfigStore config, TimeProvider time, Func<string, string?, CoderClient>? clientFactory = null)
{
    public const int UsageError = 1;
    public const int ApiError = 2;
    public const int OperationFailed = 3;

    public static readonly Option<OutputFormat> OutputOption = new("--output", "-o")
    {
        Description = "table (default) or json",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    public static readonly Option<bool> NoWaitOption = new("--no-wait") { Description = "Return at once with the operation id." };

    public CliConsole Console { get; } = console;

    public ConfigStore Config { get; } = config;

    public TimeProvider Time { get; } = time;

    /// <summary>Where <c>config-ssh</c> keeps the user's key pair and known hosts: next to the login.</summary>
    public string ConfigDirectory => System.IO.Path.GetDirectoryName(Config.Path)!;

    public CoderClient Client()
    {
        var login = Config.Load();
        if (login.Url is not { Length: > 0 } url) throw new CliUsageException("Not logged in: run 'coder login <url> --token <token>' or set CODER_URL and CODER_TOKEN.");
        return clientFactory is null ? new CoderClient(url, login.Token) : clientFactory(url, login.Token);
    }

    /// <summary>Runs a command body: 0 on success, 1 for usage, 2 for an API error, 3 for an operation that failed.</summary>
    public void Action(Command command, Func<ParseResult, CoderClient, CancellationToken, Task> body) =>
        ExitingAction(command, async (parse, client, cancellationToken) =>
        {
            await body(parse, client, cancellationToken);
            return 0;
        });

    /// <summary>As <see cref="Action"/>, for a body that picks its own exit code on success (<c>coder ssh</c>: the remote one).</summary>
    public void ExitingAction(Command command, Func<ParseResult, CoderClient, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var client = Client();
                return await body(parse, client, cancellationToken);
            }
            catch (ConnectFailedException e)
            {
                Console.Error.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return e.ExitCode;
            }
            catch (CliUsageException e)
            {
                Console.Error.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return UsageError;
            }
            catch (ApiException e)
            {
                ProblemPrinter.Print(Console.Error, e.Problem);
                return ApiError;
            }
            catch (HttpRequestException e)
            {
                ProblemPrinter.Print(Console.Error, new ApiProblem { Title = "The API could not be reached", Status = 0, Detail = e.Message });
                return ApiError;
            }
            catch (OperationFailedException e)
            {
                Console.Error.MarkupLine($"[red]✗[/] {Markup.Escape((string?)e.Operation["kind"] ?? "operation")} {Markup.Escape((string?)e.Operation["status"] ?? "failed")}: {Markup.Escape(e.Message)}");
                if (parse.GetValue(OutputOption) == OutputFormat.Json) Console.WriteJson(e.Operation);
                return OperationFailed;
            }
        });

    /// <summary>
    /// A 202's operation: with <c>--no-wait</c> its id is printed at once; otherwise it is followed to the end, and
    /// <paramref name="onSuccess"/> prints the result.
    /// </summary>
    public async Task FollowAsync(ParseResult parse, CoderClient client, ApiResponse accepted, Func<Task> onSuccess, CancellationToken cancellationToken)
    {
        var operation = accepted.Body?["operation"] ?? throw new ApiException(new ApiProblem { Title = "Unexpected answer", Status = (int)accepted.Status, Detail = "The response named no operation." });
        string id = (string?)operation["id"] ?? "";
        if (parse.GetValue(NoWaitOption))
        {
            if (parse.GetValue(OutputOption) == OutputFormat.Json) Console.WriteJson(accepted.Body);
            else Console.Out.WriteLine(id);
            return;
        }

        await new OperationWaiter(client, Console, Time).WaitAsync(id, cancellationToken);
        await onSuccess();
    }

    public void Print(ParseResult parse, JsonNode? body, Action<IAnsiConsole> table)
    {
        if (parse.GetValue(OutputOption) == OutputFormat.Json) Console.WriteJson(body);
        else table(Console.Out);
    }

    /// <summary>A workspace by id (<c>ws-…</c>) or by the caller's name for it.</summary>
    public static async Task<string> ResolveWorkspaceAsync(CoderClient client, string nameOrId, CancellationToken cancellationToken)
    {
        if (nameOrId.StartsWith("ws-", StringComparison.Ordinal)) return nameOrId;
        await foreach (var item in PagesAsync(client, "/api/workspaces", cancellationToken))
        {
            if ((string?)item?["name"] == nameOrId) return (string)item!["id"]!;
        }

        throw new ApiException(new ApiProblem { Title = "Not Found", Status = 404, Detail = $"You have no workspace named '{nameOrId}'." });
    }

    /// <summary>Every item of a paged list, following <c>continuationToken</c>.</summary>
    public static async IAsyncEnumerable<JsonNode?> PagesAsync(CoderClient client, string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            string sep = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            var page = (await client.GetAsync(token is null ? path : $"{path}{sep}continuationToken={Uri.EscapeDataString(token)}", cancellationToken)).Body;
            foreach (var item in page?["items"]?.AsArray() ?? []) yield return item;
            token = (string?)page?["continuationToken"];
        }
        while (token is { Length: > 0 });
    }
}
