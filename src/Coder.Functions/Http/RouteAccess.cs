namespace Coder.Functions.Http;

/// <summary>Who may call a route, checked by the pipeline before the function runs. Ownership is the services' check.</summary>
public enum RouteAccess
{
    /// <summary>No token (health, the Event Grid webhook that validates itself).</summary>
    Anonymous,

    /// <summary>An agent token, checked by the agent functions against the workspace's current build.</summary>
    Agent,

    /// <summary>Any valid API token or trusted principal; members then see only their own workspaces.</summary>
    Authenticated,

    TemplateAdmin,

    Admin,
}
