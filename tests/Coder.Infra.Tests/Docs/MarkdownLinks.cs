using System.Text;
using System.Text.RegularExpressions;

namespace Coder.Infra.Tests.Docs;

/// <summary>
/// The relative links of markdown files, checked the way a reader of a clone follows them: the target is a file or folder
/// inside the repository, and a <c>#fragment</c> into a markdown file names one of its headings (GitHub's anchors).
/// </summary>
public static partial class MarkdownLinks
{
    /// <summary>What is wrong with the relative links of <paramref name="files"/>; empty when every link resolves.</summary>
    public static List<string> Problems(string repositoryRoot, IEnumerable<string> files, out int checkedLinks)
    {
        var problems = new List<string>();
        checkedLinks = 0;
        string root = Path.GetFullPath(repositoryRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        foreach (string file in files)
        {
            string name = Path.GetRelativePath(root, file);
            foreach (string target in Targets(File.ReadAllText(file)))
            {
                if (IsExternal(target)) continue;
                checkedLinks++;
                string pathPart = target.Split('#')[0], fragment = target.Contains('#', StringComparison.Ordinal) ? target[(target.IndexOf('#', StringComparison.Ordinal) + 1)..] : "";
                string resolved = pathPart.Length == 0 ? Path.GetFullPath(file) : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(pathPart)));
                if (!resolved.StartsWith(root, StringComparison.Ordinal))
                    problems.Add($"{name}: ({target}) points outside the repository; a clone does not have it.");
                else if (!File.Exists(resolved) && !Directory.Exists(resolved))
                    problems.Add($"{name}: ({target}) names no file in the repository.");
                else if (fragment.Length > 0 && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && File.Exists(resolved) && !Anchors(File.ReadAllText(resolved)).Contains(fragment))
                    problems.Add($"{name}: ({target}) names no heading of {Path.GetRelativePath(root, resolved)}.");
            }
        }

        return problems;
    }

    /// <summary>Link targets outside fenced code blocks and inline code.</summary>
    public static IEnumerable<string> Targets(string markdown)
    {
        string prose = InlineCode().Replace(Fence().Replace(markdown, ""), "");
        return Link().Matches(prose).Select(m => m.Groups["target"].Value.Trim());
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.</summary>
    public static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(Fence().Replace(markdown, "")))
        {
            var slug = new StringBuilder();
            foreach (char c in heading.Groups["text"].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
                else if (c == ' ') slug.Append('-');
            }

            anchors.Add(slug.ToString());
        }

        return anchors;
    }

    static bool IsExternal(string target) =>
        target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
