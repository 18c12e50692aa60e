using Coder.Contracts.Errors;
using Spectre.Console;

namespace Coder.Cli.Output;

/// <summary>Problem details, plainly: title, detail, and one line per field error.</summary>
public static class ProblemPrinter
{
    public static void Print(IAnsiConsole console, ApiProblem problem)
    {
        console.MarkupLine($"[red]error:[/] {Markup.Escape(problem.Title)} ({problem.Status})");
        if (problem.Detail is { Length: > 0 } detail) console.MarkupLine($"  {Markup.Escape(detail)}");
        foreach (var (field, messages) in problem.Errors ?? new Dictionary<string, string[]>())
        {
            foreach (string message in messages) console.MarkupLine($"  [yellow]{Markup.Escape(field)}[/]: {Markup.Escape(message)}");
        }

        if (problem.OperationId is { Length: > 0 } op) console.MarkupLine($"  running operation: {Markup.Escape(op)}");
        if (problem.RequestId is { Length: > 0 } request) console.MarkupLine($"  [grey]request id: {Markup.Escape(request)}[/]");
    }
}
