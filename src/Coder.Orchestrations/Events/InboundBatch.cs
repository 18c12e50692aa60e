namespace Coder.Orchestrations.Events;

/// <summary>A parsed webhook body. <see cref="ValidationCode"/> is set when the batch is Event Grid's subscription handshake.</summary>
public sealed record InboundBatch(EventSchema Schema, IReadOnlyList<InboundEvent> Events, string? ValidationCode);
