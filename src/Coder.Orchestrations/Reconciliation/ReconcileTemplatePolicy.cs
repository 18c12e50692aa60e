namespace Coder.Orchestrations.Reconciliation;

/// <summary>What the planner needs from a template version.</summary>
public sealed record ReconcileTemplatePolicy(int HeartbeatSeconds, int ConnectTimeoutSeconds, int? IdleStopAfterMinutes);
