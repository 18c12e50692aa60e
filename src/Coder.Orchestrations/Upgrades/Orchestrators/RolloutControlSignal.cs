namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>The external event that pauses, resumes or aborts a rollout.</summary>
public sealed record RolloutControlSignal(string Action, string Actor)
{
    public const string EventName = "rollout-control";
    public const string Pause = "pause";
    public const string Resume = "resume";
    public const string Abort = "abort";

    public static bool IsKnown(string action) => action is Pause or Resume or Abort;
}
