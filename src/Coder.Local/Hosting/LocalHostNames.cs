using System.Text;

namespace Coder.Local.Hosting;

public static class LocalHostNames
{
    /// <summary>A task hub name Azure Storage accepts (letters and digits, starting with a letter, 3 to 45 characters).</summary>
    public static string TaskHub(string prefix, string hub)
    {
        var sb = new StringBuilder();
        foreach (char c in prefix + hub) if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
        string name = sb.Length > 0 && char.IsAsciiLetter(sb[0]) ? sb.ToString() : "h" + sb;
        return name.Length < 3 ? name + "hub" : name.Length > 45 ? name[..45] : name;
    }
}
