using System.Security.Cryptography;

namespace Coder.Local.Storage;

/// <summary>
/// The account key an Azurite of ours runs with (through <c>AZURITE_ACCOUNTS</c>): random, one per data folder, kept in
/// <c>account-key</c> there (mode 0600) so a restarted Azurite opens the same data with the same key. Never the public
/// development key, which any process on the machine could use against a loopback emulator.
/// </summary>
public static class AzuriteAccountKey
{
    public const string AccountName = "devstoreaccount1";
    public const string FileName = "account-key";

    /// <summary>A new random 512-bit key, base64 (the shape of a storage account key).</summary>
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    /// <summary>The key of the Azurite whose data is in <paramref name="dataDirectory"/>; created on first use.</summary>
    public static string LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        string path = Path.Combine(dataDirectory, FileName);
        if (TryRead(path) is { } existing) return existing;

        // Written whole to a private temp file with its final mode, then moved into place without replacing: a reader
        // never sees a partial or world-readable key, and of two hosts racing on one folder the first key wins.
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(temp, create)) writer.Write(New());
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }

        return TryRead(path) ?? throw new InvalidOperationException($"The Azurite account key in {path} is empty.");
    }

    /// <summary>The <c>AZURITE_ACCOUNTS</c> value that makes Azurite serve only <see cref="AccountName"/> with <paramref name="key"/>.</summary>
    public static string AccountsVariable(string key) => $"{AccountName}:{key}";

    static string? TryRead(string path) =>
        File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } key ? key : null;
}
