namespace Coder.Contracts.Agents;

/// <summary>A <c>drain</c> event: the agent saw drain hint <paramref name="DrainId"/> and is prepared, with this many sessions open.</summary>
public sealed record DrainPayload(string DrainId, int ActiveSessions);
