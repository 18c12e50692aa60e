namespace Coder.Orchestrations.Events;

/// <summary>The webhook's 200 body: every delivered event is acknowledged, with what became of it.</summary>
public sealed record WebhookReceipt(int Received, int Handled, int Ignored, int Rejected, IReadOnlyList<EventOutcome> Events);
