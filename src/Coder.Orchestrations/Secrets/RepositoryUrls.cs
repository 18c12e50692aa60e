namespace Coder.Orchestrations.Secrets;

/// <summary>
/// What a repository URL may be: https, http, ssh, git or file, with no credential in it (credentials come from the
/// owner's secrets, through git's credential helper), and the folder a clone of it gets by default.
/// </summary>
public static class RepositoryUrls
{
    static readonly string[] Schemes = ["https", "http", "ssh", "git", "file"];

    public const string Rule = "An https, http, ssh, git or file URL (at most 2048 characters) without a user name or password in it.";

    public static bool IsValid(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2048 || url.Any(char.IsControl) || url.Any(char.IsWhiteSpace)) return false;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme, StringComparer.Ordinal)) return false;

        // A password in a URL ends up in .git/config, argv and logs; a plain ssh user (git@host) carries no secret.
        return uri.UserInfo.Length == 0 || (uri.Scheme == "ssh" && !uri.UserInfo.Contains(':'));
    }

    /// <summary>The repository's name: the URL's last segment without <c>.git</c> (<c>https://host/o/app.git</c> → <c>app</c>).</summary>
    public static string DefaultPath(string url)
    {
        string last = url.TrimEnd('/').Split('/').LastOrDefault() ?? "";
        if (last.EndsWith(".git", StringComparison.Ordinal)) last = last[..^4];
        return last;
    }
}
