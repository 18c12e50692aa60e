namespace Coder.Contracts.Upgrades;

/// <summary>Status names a rollout, its batches and its workspaces report.</summary>
public static class RolloutStates
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Aborting = "aborting";
    public const string RollingBack = "rolling_back";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Aborted = "aborted";

    // Batches.
    public const string Upgrading = "upgrading";
    public const string Baking = "baking";
    public const string Passed = "passed";

    // Workspaces.
    public const string Busy = "busy";
    public const string Upgraded = "upgraded";
    public const string RolledBack = "rolled_back";
    public const string Skipped = "skipped";

    public static bool IsFinished(string status) => status is Succeeded or Failed or Aborted;
}
