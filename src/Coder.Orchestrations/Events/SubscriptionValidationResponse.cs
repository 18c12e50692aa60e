namespace Coder.Orchestrations.Events;

/// <summary>The Event Grid handshake answer: the validation code echoed back, with 200.</summary>
public sealed record SubscriptionValidationResponse(string ValidationResponse);
