namespace Coder.Orchestrations.Events;

/// <summary>One delivered event, whichever schema carried it.</summary>
/// <param name="Source">Event Grid <c>topic</c> or CloudEvents <c>source</c>.</param>
/// <param name="SystemData">The SDK's typed data for Azure system events (e.g. <c>ResourceDeleteSuccessEventData</c>), otherwise null.</param>
public sealed record InboundEvent(string Id, string Type, string? Subject, string? Source, BinaryData? Data, object? SystemData);
