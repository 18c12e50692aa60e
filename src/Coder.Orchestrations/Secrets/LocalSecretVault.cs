using System.Security.Cryptography;
using System.Text;
using Coder.Contracts.Files;

namespace Coder.Orchestrations.Secrets;

/// <summary>
/// Seals values with AES-256-GCM under a key kept in the data folder (created once, 0600). The owner and name are the
/// associated data, so a sealed value copied into another user's row (or under another name) does not open.
/// </summary>
public sealed class LocalSecretVault(string keyFile) : ISecretVault
{
    const int NonceBytes = 12, TagBytes = 16;
    readonly Lazy<byte[]> _key = new(() => LoadOrCreate(keyFile));

    public Task<string> SealAsync(string owner, string name, string value, CancellationToken cancellationToken)
    {
        byte[] plain = Encoding.UTF8.GetBytes(value);
        byte[] sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key.Value, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Bind(owner, name));
        return Task.FromResult(Convert.ToBase64String(sealedBytes));
    }

    public Task<string> OpenAsync(string owner, string name, string sealedValue, CancellationToken cancellationToken)
    {
        byte[] sealedBytes = Convert.FromBase64String(sealedValue);
        if (sealedBytes.Length < NonceBytes + TagBytes) throw new CryptographicException("The sealed value is too short.");
        byte[] plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key.Value, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, Bind(owner, name));
        return Task.FromResult(Encoding.UTF8.GetString(plain));
    }

    public Task ForgetAsync(string sealedValue, CancellationToken cancellationToken) => Task.CompletedTask;

    static byte[] Bind(string owner, string name) => Encoding.UTF8.GetBytes($"{owner}\n{name}");

    static byte[] LoadOrCreate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Of two hosts starting on one data folder, the first writes the key and the other reads it.
        SecretFile.TryCreate(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        byte[] key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        if (key.Length != 32) throw new InvalidOperationException($"{path} does not hold a 256-bit key (base64).");
        return key;
    }
}
