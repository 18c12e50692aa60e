using System.Text.RegularExpressions;

namespace Coder.EndToEnd.Tests.Hosting;

/// <summary><c>VAR=$(… | sed 's/pattern/replacement/')</c>: a POSIX basic regular expression, applied once as sed would.</summary>
public sealed partial record SedCapture(string Variable, string Pattern, string Replacement)
{
    public string Apply(string text)
    {
        // BRE → .NET: \( \) group, { is literal, \1 is a back reference.
        string pattern = Pattern.Replace(@"\(", "(", StringComparison.Ordinal).Replace(@"\)", ")", StringComparison.Ordinal).Replace("{", @"\{", StringComparison.Ordinal);
        string replacement = BackReferencePattern().Replace(Replacement, "$${$1}");
        return new Regex(pattern).Replace(text, replacement, 1);
    }

    [GeneratedRegex(@"\\(\d)")]
    private static partial Regex BackReferencePattern();
}
