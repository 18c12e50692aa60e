namespace Coder.Contracts.Agents;

public static class AgentEventTypes
{
    public const string Lifecycle = "lifecycle";
    public const string Heartbeat = "heartbeat";
    public const string Metrics = "metrics";
    public const string Log = "log";
    public const string Script = "script";
    public const string Session = "session";
    public const string Custom = "custom";

    /// <summary>The agent's answer to a drain hint in its manifest: it is prepared for a resize.</summary>
    public const string Drain = "drain";

    public static bool IsKnown(string type) => type is Lifecycle or Heartbeat or Metrics or Log or Script or Session or Custom or Drain;
}
