using System.Security.Cryptography;
using System.Text;

namespace Coder.Orchestrations.Security;

/// <summary>Tokens are stored as SHA-256 hashes only; lookups go by hash, so the token itself is never persisted.</summary>
public static class TokenHasher
{
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A new token: a prefix that says what it is, then 256 bits of randomness.</summary>
    public static string NewToken(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
