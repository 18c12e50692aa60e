using System.Security.Cryptography;
using System.Text;

namespace Coder.Orchestrations.Tests.Snapshots;

/// <summary>Every path of a tree with its type, mode and content hash (or link target), so two trees compare line by line.</summary>
public static class TreeDigest
{
    public static IReadOnlyList<string> Of(string root, params string[] excludedTopLevel)
    {
        var lines = new List<string>();
        Walk(root, "", lines, excludedTopLevel);
        return lines;
    }

    static void Walk(string dir, string rel, List<string> lines, string[] excluded)
    {
        foreach (var info in new DirectoryInfo(dir).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            if (rel.Length == 0 && excluded.Contains(info.Name)) continue;
            string path = rel.Length == 0 ? info.Name : rel + "/" + info.Name;
            if (info.LinkTarget is { } target) lines.Add($"L {path} -> {target}");
            else if (info is DirectoryInfo d)
            {
                lines.Add($"D {path} {Convert.ToString((int)d.UnixFileMode, 8)}");
                Walk(d.FullName, path, lines, excluded);
            }
            else
            {
                using var stream = File.OpenRead(info.FullName);
                lines.Add($"F {path} {Convert.ToString((int)info.UnixFileMode, 8)} {Convert.ToHexStringLower(SHA256.HashData(stream))}");
            }
        }
    }

    public static string Hash(IReadOnlyList<string> digest) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', digest))));
}
