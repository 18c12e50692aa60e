using Microsoft.DurableTask;

namespace Coder.Orchestrations.Operations;

/// <summary>
/// The versioning rule (README "Orchestration versioning"): an instance keeps the version it started with for life, and
/// a worker runs instances of its own version and older ones. New behaviour goes behind <see cref="AtLeast"/> on the
/// instance's version, never on the worker's, so replaying an old instance schedules exactly what it scheduled before.
/// </summary>
public static class OrchestrationVersions
{
    public const string Initial = "1.0";

    /// <summary>A scale first asks the agents to prepare (the drain hint) before it resizes.</summary>
    public const string ScaleDrainHint = "1.1";

    /// <summary>A start first restores content that vanished with the compute from the workspace's latest snapshot. Also 1.1.</summary>
    public const string StartRestoresLostContent = "1.1";

    /// <summary>
    /// A provision runs three activities instead of five: the <c>started</c> step with the ensure, and the
    /// <c>agent-starting</c> step with the first agent check. The version this build starts.
    /// </summary>
    public const string ProvisionFoldedSteps = "1.2";

    /// <summary>Adds the <c>upgrade.plan</c> timeline step before an upgrade starts.</summary>
    public const string UpgradePlanStep = "2.0";

    public static bool AtLeast(TaskOrchestrationContext context, string version) =>
        Compare(Of(context), version) >= 0;

    public static string Of(TaskOrchestrationContext context) => string.IsNullOrEmpty(context.Version) ? Initial : context.Version;

    public static int Compare(string a, string b) =>
        Version.TryParse(a, out var va) && Version.TryParse(b, out var vb) ? va.CompareTo(vb) : string.CompareOrdinal(a, b);
}
