using System.Text;
using System.Text.RegularExpressions;

namespace Coder.Orchestrations.Tests.State;

/// <summary>
/// Finds hand-written retry loops for conflicts in C# source, so that <c>OptimisticConcurrency</c> stays the only one.
/// It reads code, not comments, and does not trust the shape of one loop: it flags any <c>for</c>, <c>while</c> or
/// <c>do</c> loop whose header or body names a conflict (409, 412, <c>IsConflict</c>, a conflict status or error code),
/// and any exception filter that names a conflict and an attempt counter (a retry by recursion). A loop that only deals
/// with blobs (leases, conditional uploads) is a different thing and is left alone; <c>foreach</c> walks items, it does
/// not retry one row.
/// </summary>
static partial class TableRetryLoopScanner
{
    /// <summary>One finding: the 1-based line and what was found there.</summary>
    public sealed record Finding(int Line, string What);

    public static IReadOnlyList<Finding> Scan(string source)
    {
        string code = CodeOnly(source);
        var findings = new List<Finding>();
        foreach (Match loop in LoopKeyword().Matches(code))
        {
            int end = LoopEnd(code, loop);
            if (end < 0) continue;
            string region = code[loop.Index..end];
            if (!ConflictMarker().IsMatch(region)) continue;
            if (BlobMarker().IsMatch(region) && !TableMarker().IsMatch(region)) continue;
            findings.Add(new Finding(LineOf(code, loop.Index), $"a '{loop.Value}' loop that handles a conflict (409/412)"));
        }

        foreach (Match filter in CatchWhen().Matches(code))
        {
            int close = Matching(code, filter.Index + filter.Length - 1);
            if (close < 0) continue;
            string condition = code[(filter.Index + filter.Length)..close];
            if (ConflictMarker().IsMatch(condition) && AttemptCounter().IsMatch(condition))
                findings.Add(new Finding(LineOf(code, filter.Index), "a conflict filter that counts attempts"));
        }

        return findings.DistinctBy(f => f.Line).OrderBy(f => f.Line).ToList();
    }

    /// <summary>Where the loop at <paramref name="keyword"/> ends: after its header and body (-1 when it is not a loop).</summary>
    static int LoopEnd(string code, Match keyword)
    {
        int at = SkipSpace(code, keyword.Index + keyword.Length);
        if (keyword.Value == "do")
        {
            // Its condition is scanned as the 'while' that follows the body.
            if (at >= code.Length || code[at] != '{') return -1;
        }
        else
        {
            if (at >= code.Length || code[at] != '(') return -1;
            int header = Matching(code, at);
            if (header < 0) return -1;
            at = SkipSpace(code, header + 1);
        }

        if (at >= code.Length) return -1;
        if (code[at] == '{')
        {
            int body = Matching(code, at);
            return body < 0 ? -1 : body + 1;
        }

        // A body without braces: one statement, to its semicolon outside any brackets.
        for (int depth = 0; at < code.Length; at++)
        {
            char c = code[at];
            if (c is '(' or '{' or '[') depth++;
            else if (c is ')' or '}' or ']') depth--;
            else if (c == ';' && depth <= 0) return at + 1;
        }

        return -1;
    }

    static int Matching(string code, int open)
    {
        char o = code[open], c = o switch { '(' => ')', '{' => '}', _ => ']' };
        for (int depth = 0, i = open; i < code.Length; i++)
        {
            if (code[i] == o) depth++;
            else if (code[i] == c && --depth == 0) return i;
        }

        return -1;
    }

    static int SkipSpace(string code, int at)
    {
        while (at < code.Length && char.IsWhiteSpace(code[at])) at++;
        return at;
    }

    static int LineOf(string code, int index) => code.AsSpan(0, index).Count('\n') + 1;

    /// <summary>
    /// The source with comments removed and the punctuation of string and character literals blanked (their letters and
    /// digits stay, so an error code compared as a string is still seen). Line breaks stay where they were.
    /// </summary>
    internal static string CodeOnly(string source)
    {
        var code = new StringBuilder(source.Length);
        int i = 0;
        while (i < source.Length)
        {
            char c = source[i];
            char next = i + 1 < source.Length ? source[i + 1] : '\0';
            int end;
            if (c == '/' && next == '/') end = source.IndexOf('\n', i) is var n && n >= 0 ? n : source.Length;
            else if (c == '/' && next == '*') end = source.IndexOf("*/", i + 2, StringComparison.Ordinal) is var b && b >= 0 ? b + 2 : source.Length;
            else if (c == '\'') end = LiteralEnd(source, i + 1, '\'', verbatim: false);
            else if (StringStart(source, i) is { } start) end = StringEnd(source, start);
            else
            {
                code.Append(c);
                i++;
                continue;
            }

            bool comment = c == '/';
            for (; i < end; i++)
            {
                char blanked = source[i];
                code.Append(blanked == '\n' ? '\n' : !comment && char.IsLetterOrDigit(blanked) ? blanked : ' ');
            }
        }

        return code.ToString();
    }

    /// <summary>A string literal starting at <paramref name="i"/> (with its <c>$</c>/<c>@</c> prefix): the index of its first quote, and its kind.</summary>
    static (int Quote, bool Verbatim, bool Interpolated)? StringStart(string source, int i)
    {
        int at = i;
        bool verbatim = false, interpolated = false;
        while (at < source.Length && source[at] is '$' or '@')
        {
            verbatim |= source[at] == '@';
            interpolated |= source[at] == '$';
            at++;
        }

        return at < source.Length && source[at] == '"' ? (at, verbatim, interpolated) : null;
    }

    static int StringEnd(string source, (int Quote, bool Verbatim, bool Interpolated) start)
    {
        int quotes = 0;
        while (start.Quote + quotes < source.Length && source[start.Quote + quotes] == '"') quotes++;
        if (quotes >= 3)
        {
            // A raw string literal: it ends at the same run of quotes.
            int close = source.IndexOf(new string('"', quotes), start.Quote + quotes, StringComparison.Ordinal);
            return close < 0 ? source.Length : close + quotes;
        }

        if (!start.Interpolated) return LiteralEnd(source, start.Quote + 1, '"', start.Verbatim);

        // An interpolated string: holes hold code, which may hold strings of their own.
        for (int i = start.Quote + 1; i < source.Length; i++)
        {
            char c = source[i];
            if (c == '\\' && !start.Verbatim) i++;
            else if (c == '"' && start.Verbatim && i + 1 < source.Length && source[i + 1] == '"') i++;
            else if (c == '"') return i + 1;
            else if (c == '{' && i + 1 < source.Length && source[i + 1] == '{') i++;
            else if (c == '{') i = HoleEnd(source, i + 1) - 1;
        }

        return source.Length;
    }

    static int HoleEnd(string source, int i)
    {
        for (int depth = 1; i < source.Length; i++)
        {
            char c = source[i];
            if (StringStart(source, i) is { } nested) i = StringEnd(source, nested) - 1;
            else if (c == '\'') i = LiteralEnd(source, i + 1, '\'', verbatim: false) - 1;
            else if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i + 1;
        }

        return source.Length;
    }

    static int LiteralEnd(string source, int i, char quote, bool verbatim)
    {
        for (; i < source.Length; i++)
        {
            if (source[i] == '\\' && !verbatim) i++;
            else if (source[i] == quote && verbatim && i + 1 < source.Length && source[i + 1] == quote) i++;
            else if (source[i] == quote) return i + 1;
        }

        return source.Length;
    }

    [GeneratedRegex(@"(?<![\w@.])(for|while|do)\b")]
    private static partial Regex LoopKeyword();

    [GeneratedRegex(@"\bcatch\s*\([^()]*\)\s*when\s*\(")]
    private static partial Regex CatchWhen();

    [GeneratedRegex(@"\b(409|412)\b|IsConflict|Status409Conflict|Status412PreconditionFailed|HttpStatusCode\s*\.\s*(Conflict|PreconditionFailed)\b|UpdateConditionNotSatisfied|EntityAlreadyExists|ConditionNotMet")]
    private static partial Regex ConflictMarker();

    [GeneratedRegex(@"(?i)attempt|\btries\b|\btried\b|\bretr(y|ies)")]
    private static partial Regex AttemptCounter();

    [GeneratedRegex(@"Blob|Lease|Share[A-Z]|\bShare\b")]
    private static partial Regex BlobMarker();

    [GeneratedRegex(@"Entity|Table|Transaction")]
    private static partial Regex TableMarker();
}
