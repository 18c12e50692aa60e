namespace Coder.Functions.Http;

/// <summary>Who may call a route, checked by the pipeline before the function runs. Ownership is the services' check.</summary>
public enum RouteAccess
{
    /// <summary>No token (health, the Event Grid webhook that validates itself).</summary>
    Anonymous,

    /// <summary>
    /// No token, and exempt from any per-address limit on anonymous traffic: the agent binary
    /// (<c>GET agent/binary/{os}-{arch}</c>), which every new workspace downloads before it holds a token, often many at
    /// once from one NAT address. It holds no secret and is cheap to revalidate (ETag, 304).
    /// <see cref="RoutePolicy.ExemptFromAnonymousLimit"/> is the check a limiter makes.
    /// </summary>
    AnonymousUnmetered,

    /// <summary>An agent token, checked by the agent functions against the workspace's current build.</summary>
    Agent,

    /// <summary>Any valid API token or trusted principal; members then see only their own workspaces.</summary>
    Authenticated,

    TemplateAdmin,

    Admin,
}
