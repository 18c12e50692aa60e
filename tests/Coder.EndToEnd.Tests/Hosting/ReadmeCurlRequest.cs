using System.Text.RegularExpressions;

namespace Coder.EndToEnd.Tests.Hosting;

/// <summary>One curl of the README: method, path under <c>$API</c> (with shell variables), body, and what it captures.</summary>
public sealed partial record ReadmeCurlRequest(string Method, string RawPath, string? Body, SedCapture? Captures)
{
    /// <summary>The path with <c>$VAR</c> replaced by what earlier lines captured.</summary>
    public string Path(IReadOnlyDictionary<string, string> variables) =>
        VariablePattern().Replace(RawPath, m => variables.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    [GeneratedRegex(@"\$(\w+)")]
    private static partial Regex VariablePattern();
}
