using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Coder.Relay.Protocol;

/// <summary>
/// A Service Bus shared access signature:
/// <c>SharedAccessSignature sr={url-encoded resource}&amp;sig={base64 HMAC-SHA256 of "sr\nse"}&amp;se={expiry}&amp;skn={key name}</c>.
/// The key's UTF-8 bytes are the HMAC key, as Service Bus does.
/// </summary>
public sealed record RelaySasToken(string EncodedResource, string Signature, long ExpiresAtUnixSeconds, string KeyName)
{
    const string Scheme = "SharedAccessSignature ";

    /// <summary>The resource URI the token was signed for, decoded.</summary>
    public string Resource => WebUtility.UrlDecode(EncodedResource);

    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(ExpiresAtUnixSeconds);

    public static string Create(string resource, string keyName, string key, TimeSpan lifetime, TimeProvider timeProvider)
    {
        string encodedResource = WebUtility.UrlEncode(resource);
        long expiry = (timeProvider.GetUtcNow() + lifetime).ToUnixTimeSeconds();
        string signature = Sign(encodedResource, expiry, key);
        return $"{Scheme}sr={encodedResource}&sig={WebUtility.UrlEncode(signature)}&se={expiry.ToString(CultureInfo.InvariantCulture)}&skn={WebUtility.UrlEncode(keyName)}";
    }

    /// <summary>Parses the token's fields; null when it is not a shared access signature.</summary>
    public static RelaySasToken? Parse(string? token)
    {
        if (token is null || !token.StartsWith(Scheme, StringComparison.Ordinal)) return null;
        string? sr = null, sig = null, se = null, skn = null;
        foreach (string pair in token[Scheme.Length..].Split('&'))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) return null;
            string value = pair[(equals + 1)..];
            switch (pair[..equals])
            {
                case "sr": sr = value; break;
                case "sig": sig = WebUtility.UrlDecode(value); break;
                case "se": se = value; break;
                case "skn": skn = WebUtility.UrlDecode(value); break;
                default: return null;
            }
        }

        if (sr is null || sig is null || skn is null || !long.TryParse(se, NumberStyles.None, CultureInfo.InvariantCulture, out long expiry)) return null;
        return new RelaySasToken(sr, sig, expiry, skn);
    }

    /// <summary>
    /// Checks <paramref name="token"/> for <paramref name="path"/>: signed by a known key, not expired, and for a resource
    /// whose path is <paramref name="path"/> or a parent of it (Service Bus scopes a token to its resource and below).
    /// </summary>
    public static RelayTokenCheck Validate(string? token, string path, Func<string, string?> keyByName, TimeProvider timeProvider)
    {
        if (Parse(token) is not { } parsed) return RelayTokenCheck.Malformed;
        if (keyByName(parsed.KeyName) is not { } key) return RelayTokenCheck.UnknownKey;
        byte[] expected = Encoding.UTF8.GetBytes(Sign(parsed.EncodedResource, parsed.ExpiresAtUnixSeconds, key));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(parsed.Signature))) return RelayTokenCheck.BadSignature;
        if (parsed.ExpiresAt <= timeProvider.GetUtcNow()) return RelayTokenCheck.Expired;
        return Covers(parsed.Resource, path) ? RelayTokenCheck.Valid : RelayTokenCheck.WrongResource;
    }

    static bool Covers(string resource, string path)
    {
        if (!Uri.TryCreate(resource, UriKind.Absolute, out var uri)) return false;
        string scope = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        string target = path.Trim('/');
        return scope.Length == 0
            || string.Equals(scope, target, StringComparison.OrdinalIgnoreCase)
            || target.StartsWith(scope + "/", StringComparison.OrdinalIgnoreCase);
    }

    static string Sign(string encodedResource, long expiry, string key)
    {
        byte[] toSign = Encoding.UTF8.GetBytes($"{encodedResource}\n{expiry.ToString(CultureInfo.InvariantCulture)}");
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), toSign));
    }

    /// <summary>A token provider that signs a fresh token per call with one key.</summary>
    public static RelayTokenProvider Provider(string keyName, string key, TimeSpan lifetime, TimeProvider timeProvider) =>
        (resource, _) => ValueTask.FromResult(Create(resource, keyName, key, lifetime, timeProvider));
}
