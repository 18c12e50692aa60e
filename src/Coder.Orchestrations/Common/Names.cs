using System.Text.RegularExpressions;

namespace Coder.Orchestrations.Common;

/// <summary>
/// Name rules shared by templates, workspaces and script names. None admits a path separator or "..". They end in
/// <c>\z</c>, not <c>$</c>, which would also match before a trailing newline.
/// </summary>
public static partial class Names
{
    [GeneratedRegex(@"^[a-z][a-z0-9-]{1,31}\z")]
    public static partial Regex ResourceName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    public static partial Regex ScriptName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,127}\z")]
    public static partial Regex EnvName();

    public const string ResourceNameRule = "Must match ^[a-z][a-z0-9-]{1,31}$.";

    /// <summary>A relative path that stays inside its root: no rooted path, no "..", no empty segment.</summary>
    public static bool IsSafeRelativePath(string path) =>
        path.Length is > 0 and <= 256
        && !Path.IsPathRooted(path)
        && !path.Contains('\\')
        && !path.Contains('\0')
        && path.Split('/').All(segment => segment.Length > 0 && segment is not ("." or ".."));
}
