namespace Coder.Orchestrations.Reconciliation;

/// <summary>What a reconcile (a pass or one workspace) planned, and which of those actions it carried out.</summary>
public sealed record ReconcileOutcome(IReadOnlyList<ReconcileAction> Planned, IReadOnlyList<ReconcileAction> Taken);
