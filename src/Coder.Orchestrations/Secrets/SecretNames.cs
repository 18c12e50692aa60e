using System.Text.RegularExpressions;

namespace Coder.Orchestrations.Secrets;

/// <summary>Secret names are environment variable names (the agent exports them as they are), upper case.</summary>
public static partial class SecretNames
{
    public const string Rule = "Must match ^[A-Z_][A-Z0-9_]{0,63}$ and not start with CODER_ (reserved).";

    [GeneratedRegex(@"^[A-Z_][A-Z0-9_]{0,63}\z")]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name) && !name.StartsWith("CODER_", StringComparison.Ordinal);
}
