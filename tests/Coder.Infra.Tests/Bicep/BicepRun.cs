namespace Coder.Infra.Tests.Bicep;

/// <summary>What one bicep invocation produced. Every non-empty stderr line counts as a finding.</summary>
public sealed record BicepRun(int ExitCode, string Stdout, IReadOnlyList<string> StderrLines)
{
    public IReadOnlyList<BicepDiagnostic> Diagnostics =>
        StderrLines.Select(BicepDiagnostic.TryParse).OfType<BicepDiagnostic>().ToList();

    /// <summary>A failure message listing every error, warning and unparsed stderr line.</summary>
    public string Describe(string what) =>
        $"{what} exited {ExitCode} with {StderrLines.Count} stderr line(s):{Environment.NewLine}" +
        string.Join(Environment.NewLine, StderrLines.Select(line => "  " + (BicepDiagnostic.TryParse(line)?.ToString() ?? line)));
}
