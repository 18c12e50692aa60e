namespace Coder.Orchestrations.Events;

public static class EventQueueNames
{
    /// <summary>Lifecycle CloudEvents on the local host (the custom topic's stand-in), prefixed per deployment.</summary>
    public const string CoderEvents = "coder-events";
}
