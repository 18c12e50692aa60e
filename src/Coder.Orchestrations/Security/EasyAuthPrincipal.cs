using System.Text;
using System.Text.Json;

namespace Coder.Orchestrations.Security;

/// <summary>
/// Reads App Service Authentication's <c>X-MS-CLIENT-PRINCIPAL</c> (base64 JSON: auth_typ, claims, name_typ, role_typ)
/// into a caller. The user is keyed by the immutable tenant and object ids (<c>tid</c>, <c>oid</c>) as
/// <c>{tid}.{oid}</c>; names (upn, email, name) can be changed or reassigned, so they are kept for display only. Entra
/// app roles map to Coder roles through <see cref="SecurityOptions.EntraRoles"/>, and the object ids in
/// <see cref="SecurityOptions.AdminPrincipalIds"/> are admins; a principal with neither, or without both ids, gets
/// nothing. Whether to trust the header at all is the caller's decision (<see cref="SecurityOptions.TrustEasyAuth"/>).
/// </summary>
public static class EasyAuthPrincipal
{
    public const string HeaderName = "X-MS-CLIENT-PRINCIPAL";

    const int MaxHeaderLength = 16 * 1024;
    const string DefaultRoleType = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    const int MaxDisplayNameLength = 128;
    static readonly string[] TenantClaimTypes = ["http://schemas.microsoft.com/identity/claims/tenantid", "tid"];
    static readonly string[] ObjectClaimTypes = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];
    static readonly string[] DisplayClaimTypes = ["preferred_username", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "name"];

    public static CallerIdentity? Parse(string? header, SecurityOptions options)
    {
        var roleMap = options.EntraRoles;
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

            if (Id(values, TenantClaimTypes) is not { } tenant || Id(values, ObjectClaimTypes) is not { } objectId) return null;
            if (options.AdminPrincipals().Contains(objectId)) roles.Add(Contracts.Auth.Roles.Admin);
            if (roles.Count == 0) return null;
            string? display = (nameType is null ? null : values.FirstOrDefault(c => c.Type == nameType).Value)
                ?? DisplayClaimTypes.Select(type => values.FirstOrDefault(c => c.Type == type).Value).FirstOrDefault(v => v is not null);
            return new CallerIdentity($"{tenant}.{objectId}", roles, CallerIdentity.EasyAuthTokenName) { DisplayName = Displayable(display) };
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The claim's value as a lower-case GUID; anything else is no id.</summary>
    static string? Id(List<(string Type, string Value)> values, string[] types) =>
        types.Select(type => values.FirstOrDefault(c => c.Type == type).Value).FirstOrDefault(v => v is not null) is { } value && Guid.TryParseExact(value, "D", out var id)
            ? id.ToString("D")
            : null;

    /// <summary>Bounded and without control characters: it ends up in audit rows and answers.</summary>
    static string? Displayable(string? name)
    {
        if (name is null) return null;
        string clipped = name.Length <= MaxDisplayNameLength ? name : name[..MaxDisplayNameLength];
        return clipped.Any(char.IsControl) ? new string(clipped.Where(c => !char.IsControl(c)).ToArray()) : clipped;
    }
}
