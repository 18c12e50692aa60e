using Coder.Orchestrations.Security;

namespace Coder.Local.Hosting;

/// <summary>The bootstrap admin token: CODER_ADMIN_TOKEN, or one generated once and kept in &lt;data dir&gt;/admin-token (mode 0600).</summary>
public static class AdminTokenFile
{
    public static (string Token, string? Path) Resolve(string? configured, string dataDirectory)
    {
        if (configured is { Length: > 0 }) return (configured, null);
        string path = System.IO.Path.Combine(dataDirectory, "admin-token");
        if (File.Exists(path))
        {
            string existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0) return (existing, path);
        }

        string token = TokenHasher.NewToken(ApiTokenService.TokenPrefix);
        File.WriteAllText(path, token);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (token, path);
    }
}
