using System.Text.RegularExpressions;
using Coder.Orchestrations.Security;

namespace Coder.Functions.Http;

/// <summary>
/// Route-level authorization and path hygiene in one table, so a route added later is covered by default
/// (authenticated) and tightening one is one line here. Patterns are relative to <c>/api</c>: <c>*</c> is one segment,
/// a trailing <c>**</c> any rest. Segments compare case-insensitively, as routing matches them: <c>/API/Tokens</c> reaches
/// the tokens function, so it must meet the tokens rule.
/// </summary>
public static partial class RoutePolicy
{
    static readonly (string Method, string[] Pattern, RouteAccess Access)[] Rules =
    [
        ("GET", ["health"], RouteAccess.Anonymous),
        ("GET", ["openapi.json"], RouteAccess.Anonymous),
        ("GET", ["docs", "**"], RouteAccess.Anonymous),
        ("*", ["eventgrid"], RouteAccess.Anonymous),
        ("POST", ["session"], RouteAccess.Anonymous),
        ("GET", ["agent", "binary", "*"], RouteAccess.AnonymousUnmetered),
        ("*", ["agent", "**"], RouteAccess.Agent),
        ("*", ["tokens", "**"], RouteAccess.Admin),
        ("*", ["audit", "**"], RouteAccess.Admin),
        ("PUT", ["quotas", "*"], RouteAccess.Admin),
        ("POST", ["templates"], RouteAccess.TemplateAdmin),
        ("DELETE", ["templates", "*"], RouteAccess.TemplateAdmin),
        ("*", ["templates", "*", "versions", "**"], RouteAccess.TemplateAdmin),
        ("*", ["templates", "*", "rollouts", "**"], RouteAccess.TemplateAdmin),
        ("*", ["rollouts", "**"], RouteAccess.TemplateAdmin),
    ];

    public static bool IsMutating(string method) => !(HttpMethodsEqual(method, "GET") || HttpMethodsEqual(method, "HEAD") || HttpMethodsEqual(method, "OPTIONS"));

    /// <summary>The path's segments after <c>/api</c>, or null when one is not a safe name (traversal, separators, control or exotic characters).</summary>
    public static string[]? Segments(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int start = segments.Length > 0 && IsSegment(segments[0], "api") ? 1 : 0;
        var rest = segments[start..];
        return rest.All(s => SafeSegment().IsMatch(s)) ? rest : null;
    }

    /// <summary>
    /// Whether an answer on an agent route gets an audit row. Agent traffic (heartbeats, metrics) is telemetry, not an
    /// action, so only refusals do (400, 401, 403, 404, 409, 413, 429). A client that gave up (499) or a control plane too
    /// busy or broken to answer (5xx, logged where it failed) refused nothing: auditing those would add a storage write to
    /// every timed-out send of an overloaded fleet, just when storage is the bottleneck.
    /// </summary>
    public static bool AuditsAgentAnswer(int status) => status is >= 400 and < 499;

    /// <summary>Routes whose function checks a credential of its own (agent tokens, the webhook key), so a refusal is its 401.</summary>
    public static bool ChecksOwnCredential(IReadOnlyList<string>? segments) =>
        segments is { Count: > 0 } && (IsSegment(segments[0], "agent") || IsSegment(segments[0], "eventgrid"));

    public static RouteAccess AccessFor(string method, IReadOnlyList<string> segments)
    {
        foreach (var (m, pattern, access) in Rules)
        {
            if ((m == "*" || HttpMethodsEqual(m, method)) && Matches(pattern, segments)) return access;
        }

        return RouteAccess.Authenticated;
    }

    /// <summary>
    /// True for routes that no per-address limit on anonymous traffic may throttle (<see cref="RouteAccess.AnonymousUnmetered"/>):
    /// the agent binary download.
    /// </summary>
    public static bool ExemptFromAnonymousLimit(string method, IReadOnlyList<string> segments) =>
        AccessFor(method, segments) == RouteAccess.AnonymousUnmetered;

    public static bool Allows(RouteAccess access, CallerIdentity caller) => access switch
    {
        RouteAccess.Admin => caller.IsAdmin,
        RouteAccess.TemplateAdmin => caller.CanManageTemplates,
        _ => true,
    };

    /// <summary>"POST workspaces/*/start": the route's shape, ids replaced, for audit rows (collections and actions sit at even positions).</summary>
    public static string ActionOf(string method, IReadOnlyList<string> segments) =>
        method.ToUpperInvariant() + " " + string.Join('/', segments.Select((s, i) => i % 2 == 0 || IsSegment(segments[0], "agent") ? s : "*"));

    /// <summary>"workspaces/ws-123": the path up to its deepest id, which is what the call acted on.</summary>
    public static string TargetOf(IReadOnlyList<string> segments)
    {
        if (segments.Count == 0) return "";
        int take = segments.Count % 2 == 0 ? segments.Count : Math.Max(segments.Count - 1, 1);
        return string.Join('/', segments.Take(take));
    }

    static bool Matches(string[] pattern, IReadOnlyList<string> segments)
    {
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == "**") return true;
            if (i >= segments.Count) return false;
            if (pattern[i] != "*" && !IsSegment(segments[i], pattern[i])) return false;
        }

        return pattern.Length == segments.Count;
    }

    static bool IsSegment(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);

    static bool HttpMethodsEqual(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>Ids and names in this API are ASCII letters, digits, '.', '_' and '-'; nothing else reaches a table key or a path.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex SafeSegment();
}
