using System.Security.Cryptography;
using System.Text;
using Coder.Orchestrations.Security;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Events;

/// <summary>
/// Decides whether a webhook delivery may be processed: the subscription URL's key, or an allowed Entra principal. The
/// principal header counts only behind App Service Authentication (CODER_TRUST_EASYAUTH), which strips client-sent
/// copies; without it anyone could send the header.
/// </summary>
public sealed class WebhookAuthenticator(IOptions<EventGridOptions> options, IOptions<SecurityOptions> security)
{
    public const string PrincipalIdHeader = "X-MS-CLIENT-PRINCIPAL-ID";

    public bool IsAuthorized(string? key, string? principalId)
    {
        var o = options.Value;
        if (o.WebhookKey is { Length: > 0 } expected && key is not null && FixedTimeEquals(key, expected)) return true;
        return security.Value.TrustEasyAuth && principalId is { Length: > 0 } && o.EntraPrincipalIds.Any(p => string.Equals(p, principalId, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Compares hashes, so neither the content nor the length of the key leaks through timing.</summary>
    static bool FixedTimeEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
