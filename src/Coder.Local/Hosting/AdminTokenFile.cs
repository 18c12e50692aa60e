using Coder.Contracts.Files;
using Coder.Orchestrations.Security;

namespace Coder.Local.Hosting;

/// <summary>
/// The bootstrap admin token: CODER_ADMIN_TOKEN, or one generated once and kept in &lt;data dir&gt;/admin-token, created
/// 0600 in one step (<see cref="SecretFile"/>). A link at that name is not read (it could point at a token someone
/// else chose) but replaced.
/// </summary>
public static class AdminTokenFile
{
    public static (string Token, string? Path) Resolve(string? configured, string dataDirectory)
    {
        if (configured is { Length: > 0 }) return (configured, null);
        string path = System.IO.Path.Combine(dataDirectory, "admin-token");
        var file = new FileInfo(path);
        if (file.Exists && file.LinkTarget is null)
        {
            string existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0) return (existing, path);
        }

        string token = TokenHasher.NewToken(ApiTokenService.TokenPrefix);
        SecretFile.Write(path, token);
        return (token, path);
    }
}
