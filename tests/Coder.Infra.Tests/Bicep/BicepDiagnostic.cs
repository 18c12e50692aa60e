using System.Text.RegularExpressions;

namespace Coder.Infra.Tests.Bicep;

/// <summary>One line of bicep's default diagnostics format: <c>file(line,col) : Level code: message</c>.</summary>
public sealed partial record BicepDiagnostic(string File, int Line, int Column, string Level, string Code, string Message)
{
    public override string ToString() =>
        $"{Path.GetRelativePath(RepositoryPaths.RepoRoot, File)}({Line},{Column}) {Level} {Code}: {Message}";

    /// <summary>Parses a diagnostics line, or returns null when the line is not one (a crash message, say).</summary>
    public static BicepDiagnostic? TryParse(string line)
    {
        var match = DiagnosticLine().Match(line);
        return match.Success
            ? new BicepDiagnostic(
                match.Groups["file"].Value,
                int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(match.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["level"].Value,
                match.Groups["code"].Value,
                match.Groups["message"].Value)
            : null;
    }

    [GeneratedRegex(@"^(?<file>.+)\((?<line>\d+),(?<column>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:]+): (?<message>.*)$")]
    private static partial Regex DiagnosticLine();
}
