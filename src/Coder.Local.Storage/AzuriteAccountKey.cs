using System.Security.Cryptography;
using Coder.Contracts.Files;

namespace Coder.Local.Storage;

/// <summary>
/// The account key an Azurite of ours runs with (through <c>AZURITE_ACCOUNTS</c>): random, one per data folder, kept in
/// <c>account-key</c> there (mode 0600, <see cref="SecretFile"/>) so a restarted Azurite opens the same data with the same key. Never the public
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

        // A reader never sees a partial or world-readable key, and of two hosts racing on one folder the first key wins.
        SecretFile.TryCreate(path, New());
        return TryRead(path) ?? throw new InvalidOperationException($"The Azurite account key in {path} is empty.");
    }

    /// <summary>The <c>AZURITE_ACCOUNTS</c> value that makes Azurite serve only <see cref="AccountName"/> with <paramref name="key"/>.</summary>
    public static string AccountsVariable(string key) => $"{AccountName}:{key}";

    static string? TryRead(string path) =>
        File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } key ? key : null;
}
