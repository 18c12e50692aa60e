using System.Text;
using System.Text.Json;

namespace Coder.Orchestrations.Security;

/// <summary>
/// Reads App Service Authentication's <c>X-MS-CLIENT-PRINCIPAL</c> (base64 JSON: auth_typ, claims, name_typ, role_typ)
/// into a caller. Entra app roles map to Coder roles through <see cref="SecurityOptions.EntraRoles"/>; a principal with
/// no mapped role, or a user name that is not a safe key, gets nothing. Whether to trust the header at all is the
/// caller's decision (<see cref="SecurityOptions.TrustEasyAuth"/>).
/// </summary>
public static class EasyAuthPrincipal
{
    public const string HeaderName = "X-MS-CLIENT-PRINCIPAL";

    const int MaxHeaderLength = 16 * 1024;
    const string DefaultRoleType = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    static readonly string[] UserClaimTypes = ["preferred_username", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "name"];

    public static CallerIdentity? Parse(string? header, IReadOnlyDictionary<string, string> roleMap)
    {
        if (header is not { Length: > 0 and <= MaxHeaderLength }) return null;
        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(header.Trim()));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("claims", out var claims) || claims.ValueKind != JsonValueKind.Array) return null;
            string roleType = root.TryGetProperty("role_typ", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString()! : DefaultRoleType;
            string? nameType = root.TryGetProperty("name_typ", out var nt) && nt.ValueKind == JsonValueKind.String ? nt.GetString() : null;

            var values = new List<(string Type, string Value)>();
            foreach (var claim in claims.EnumerateArray())
            {
                if (claim.ValueKind == JsonValueKind.Object && claim.TryGetProperty("typ", out var t) && t.ValueKind == JsonValueKind.String
                    && claim.TryGetProperty("val", out var v) && v.ValueKind == JsonValueKind.String)
                {
                    values.Add((t.GetString()!, v.GetString()!));
                }
            }

            var roles = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (type, value) in values)
            {
                if (type != roleType && type != "roles") continue;
                if (roleMap.TryGetValue(value, out var mapped) && Contracts.Auth.Roles.IsKnown(mapped)) roles.Add(mapped);
                else if (Contracts.Auth.Roles.IsKnown(value)) roles.Add(value);
            }

            string? user = (nameType is null ? null : values.FirstOrDefault(c => c.Type == nameType).Value)
                ?? UserClaimTypes.Select(type => values.FirstOrDefault(c => c.Type == type).Value).FirstOrDefault(v => v is not null);
            if (roles.Count == 0 || user is null || !IsSafeUser(user)) return null;
            return new CallerIdentity(user.ToLowerInvariant(), roles, CallerIdentity.EasyAuthTokenName);
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            return null;
        }
    }

    static bool IsSafeUser(string user) =>
        user.Length is > 0 and <= 64 && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@');
}
