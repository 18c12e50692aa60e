namespace Coder.Orchestrations.Events;

/// <summary>What a reconcile trigger did: started an operation (its id), or nothing and why.</summary>
public sealed record ReconcileTriggerOutcome(bool Acted, string Detail, string? OperationId = null);
