namespace Coder.Orchestrations.Reconciliation;

/// <summary>The planner's answer: the actions, and the orphan sightings to keep for the next pass (key → first seen).</summary>
public sealed record ReconcilePlan(IReadOnlyList<ReconcileAction> Actions, IReadOnlyDictionary<string, DateTimeOffset> OrphansFirstSeen)
{
    public static ReconcilePlan Empty { get; } = new([], new Dictionary<string, DateTimeOffset>());
}
