namespace Coder.Orchestrations.Events;

/// <summary>What the webhook did with one event: <c>handled</c>, <c>ignored</c> (not for us) or <c>rejected</c> (refused, with why).</summary>
public sealed record EventOutcome(string Id, string Type, string Result, string Detail);
