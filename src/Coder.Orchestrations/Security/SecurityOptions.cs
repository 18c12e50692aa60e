namespace Coder.Orchestrations.Security;

public sealed class SecurityOptions
{
    public const string Section = "Coder:Security";

    /// <summary>The flat setting that turns on trust in App Service Authentication's principal header.</summary>
    public const string TrustEasyAuthVariable = "CODER_TRUST_EASYAUTH";

    /// <summary>The flat setting that says whether X-Forwarded-For's last entry is the client's address.</summary>
    public const string TrustForwardedForVariable = "CODER_TRUST_FORWARDED_FOR";

    /// <summary>The bootstrap admin token (CODER_ADMIN_TOKEN). Stored hashed at startup; never logged.</summary>
    public string? AdminToken { get; set; }

    public string AdminUser { get; set; } = "admin";

    /// <summary>
    /// Honour <c>X-MS-CLIENT-PRINCIPAL</c>. Only App Service Authentication in front of the app makes that header
    /// trustworthy (it strips client-sent copies), so it is off unless CODER_TRUST_EASYAUTH=true.
    /// </summary>
    public bool TrustEasyAuth { get; set; }

    /// <summary>Entra app role values (the principal's role claims) mapped to Coder roles; Coder role names map to themselves.</summary>
    public Dictionary<string, string> EntraRoles { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Coder.Admin"] = Contracts.Auth.Roles.Admin,
        ["Coder.TemplateAdmin"] = Contracts.Auth.Roles.TemplateAdmin,
        ["Coder.Member"] = Contracts.Auth.Roles.Member,
    };

    /// <summary>
    /// Entra object ids (comma-separated; CODER_ADMIN_PRINCIPAL_IDS) of App Service principals that are admins whatever
    /// their app roles: how the first admin of a deployment gets in.
    /// </summary>
    public string? AdminPrincipalIds { get; set; }

    /// <summary>
    /// Take the client's address from the last X-Forwarded-For entry (the one a reverse proxy in front of the local host
    /// appends) rather than the connection. Off by default, and off in Azure Functions: there the worker's own
    /// forwarded-headers middleware has already made the front end's entry the connection's address (and removed it
    /// from the header, whose last entry is then the client's say).
    /// </summary>
    public bool TrustForwardedFor { get; set; }

    /// <summary>Anonymous and failed-authentication requests each client address may make per minute, sustained.</summary>
    public int AnonymousPerMinute { get; set; } = 60;

    /// <summary>How many anonymous or failed-authentication requests an address may make at once.</summary>
    public int AnonymousBurst { get; set; } = 100;

    /// <summary>Mutating requests each token may make per minute, sustained.</summary>
    public int MutationsPerMinute { get; set; } = 300;

    /// <summary>How many mutating requests a token may make at once before the per-minute rate applies.</summary>
    public int MutationBurst { get; set; } = 100;

    /// <summary>Lifetime of a token created without expiresInDays. Every token expires.</summary>
    public int DefaultTokenDays { get; set; } = 90;

    /// <summary>How long a dashboard session lasts before signing in again.</summary>
    public int SessionHours { get; set; } = 12;

    /// <summary>
    /// How long a verified token row is reused without a table read. A revoke on this instance takes effect at once; on
    /// other instances within this time. 0 reads the row on every request.
    /// </summary>
    public int TokenCacheSeconds { get; set; } = 5;

    /// <summary>The object ids of <see cref="AdminPrincipalIds"/>, as lower-case GUIDs.</summary>
    public IReadOnlySet<string> AdminPrincipals() =>
        (AdminPrincipalIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(id => Guid.TryParse(id, out var guid) ? guid.ToString("D") : null).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
