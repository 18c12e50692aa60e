namespace Coder.Orchestrations.Snapshots;

/// <summary>Which snapshots go and which stay, with the reason each protected one stays.</summary>
public sealed record RetentionPlan(IReadOnlyList<string> Delete, IReadOnlyDictionary<string, string> Kept);
