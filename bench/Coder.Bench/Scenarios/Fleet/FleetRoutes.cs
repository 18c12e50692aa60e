namespace Coder.Bench.Scenarios.Fleet;

/// <summary>The traffic phase's routes, as reported, and which are reads (the p95 goal covers every read route).</summary>
static class FleetRoutes
{
    public const string List = "GET /api/workspaces";
    public const string ListAll = "GET /api/workspaces (admin: everyone's)";
    public const string Get = "GET /api/workspaces/{id}";
    public const string Events = "GET /api/workspaces/{id}/events";
    public const string Metrics = "GET /api/workspaces/{id}/metrics";
    public const string Stop = "POST /api/workspaces/{id}/stop";
    public const string Start = "POST /api/workspaces/{id}/start";

    public static IReadOnlyList<string> Reads { get; } = [List, ListAll, Get, Events, Metrics];

    public static IReadOnlyList<string> All { get; } = [List, ListAll, Get, Events, Metrics, Stop, Start];

    /// <summary>
    /// A Coder-like mix (the dashboard's list and workspace page, its timeline and charts, and now and then a start or
    /// stop), per 100 calls.
    /// </summary>
    public static string Pick(Random random) => random.Next(100) switch
    {
        < 20 => List,
        < 24 => ListAll,
        < 59 => Get,
        < 74 => Events,
        < 98 => Metrics,
        _ => Stop, // or Start: the client brings back what it stopped
    };
}
