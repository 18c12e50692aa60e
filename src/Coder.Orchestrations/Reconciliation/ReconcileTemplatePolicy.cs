using Coder.Contracts.Templates;

namespace Coder.Orchestrations.Reconciliation;

/// <summary>What the planner needs from a template version.</summary>
/// <param name="Schedule">The template's schedule defaults and bounds (with <paramref name="IdleStopAfterMinutes"/> as the auto-stop default).</param>
public sealed record ReconcileTemplatePolicy(int HeartbeatSeconds, int ConnectTimeoutSeconds, int? IdleStopAfterMinutes, TemplateSchedule? Schedule = null);
