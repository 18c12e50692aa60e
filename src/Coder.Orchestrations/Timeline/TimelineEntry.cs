namespace Coder.Orchestrations.Timeline;

/// <param name="Discriminator">Makes the key unique and stable across retries, e.g. <c>{operationId}-begin</c> or <c>{agentId}-{seq}</c>.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Discriminator, string Kind, string Message, string? Reason = null, string? Actor = null, string? OperationId = null, string? Source = null);
