namespace Coder.Orchestrations.State;

public static class DesiredStates
{
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Deleted = "deleted";
}
