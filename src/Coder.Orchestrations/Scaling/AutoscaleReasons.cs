namespace Coder.Orchestrations.Scaling;

/// <summary>The machine-readable reasons the autoscaler writes to the timeline.</summary>
public static class AutoscaleReasons
{
    public const string WithinTarget = "within_target";
    public const string NotEnoughData = "not_enough_data";
    public const string Rising = "rising";
    public const string Falling = "falling";
    public const string HighCpu = "high_cpu";
    public const string HighMemory = "high_memory";
    public const string LowUtilization = "low_utilization";
    public const string OomKill = "oom_kill";
    public const string MemoryPressure = "memory_pressure";
    public const string Cooldown = "cooldown";
    public const string SessionsProtect = "sessions_protect";
    public const string AtLimit = "at_limit";
    public const string OperationRunning = "operation_running";
    public const string HighSessions = "high_sessions";
}
