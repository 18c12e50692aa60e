using Coder.Local.Hosting;
using Coder.Local.Storage;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// The local admin-token file is created 0600 in one step (a temp file made with that mode, then renamed over the
/// name): never a moment with a wider mode, and never written through a link someone planted at its name.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TokenFileTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), "coder-token-file-" + Guid.NewGuid().ToString("N")[..8]);

    public TokenFileTests() => Directory.CreateDirectory(Path.Combine(_root, "data"));

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void AdminTokenFile_IsCreated0600_AndNotThroughAPlantedLink()
    {
        string data = Path.Combine(_root, "data");
        string elsewhere = Path.Combine(_root, "readable-by-all");
        File.CreateSymbolicLink(Path.Combine(data, "admin-token"), elsewhere);

        var (token, path) = AdminTokenFile.Resolve(null, data);

        Assert.False(File.Exists(elsewhere), "the token was written through the link");
        var info = new FileInfo(path!);
        Assert.Null(info.LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, info.UnixFileMode);
        Assert.Equal(token, File.ReadAllText(path!).Trim());
        Assert.Equal([path!], Directory.GetFiles(data));

        // Read back, not replaced, on the next start.
        Assert.Equal(token, AdminTokenFile.Resolve(null, data).Token);
    }

    [Fact]
    public void AzuriteAccountKey_IsCreated0600_Once_AndKeptAcrossStarts()
    {
        string data = Path.Combine(_root, "data");

        string key = AzuriteAccountKey.LoadOrCreate(data);

        var info = new FileInfo(Path.Combine(data, AzuriteAccountKey.FileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, info.UnixFileMode);
        Assert.Equal(64, Convert.FromBase64String(key).Length);
        Assert.Equal(key, AzuriteAccountKey.LoadOrCreate(data));
        Assert.Equal([info.FullName], Directory.GetFiles(data));
    }
}
