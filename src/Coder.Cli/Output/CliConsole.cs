using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Coder.Cli.Output;

/// <summary>
/// Where the CLI writes: results to stdout, progress and errors to stderr, so <c>--output json</c> stays parseable.
/// Colors and animation only when stdout is a terminal and <c>NO_COLOR</c> is unset.
/// </summary>
public sealed class CliConsole
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public CliConsole(TextWriter stdout, TextWriter stderr, bool interactive, bool noColor)
    {
        Interactive = interactive;
        Colors = interactive && !noColor;
        Out = Create(stdout, Colors, interactive);
        Error = Create(stderr, Colors, interactive);
        StdOut = stdout;
        StdErr = stderr;
    }

    public IAnsiConsole Out { get; }

    public IAnsiConsole Error { get; }

    public TextWriter StdOut { get; }

    /// <summary>stderr as plain lines (port-forward's per-connection reports).</summary>
    public TextWriter StdErr { get; }

    /// <summary>stdout is a terminal: live progress may redraw.</summary>
    public bool Interactive { get; }

    public bool Colors { get; }

    public static CliConsole FromProcess(IReadOnlyDictionary<string, string?> environment) =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected, environment.GetValueOrDefault("NO_COLOR") is { Length: > 0 });

    public void WriteJson(JsonNode? node) => StdOut.WriteLine(node?.ToJsonString(Indented) ?? "null");

    static IAnsiConsole Create(TextWriter writer, bool colors, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = colors ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = colors ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });

        // Piped output has no terminal width; wrapping it at 80 columns would break lines that scripts grep.
        if (!interactive) console.Profile.Width = 400;
        return console;
    }
}
