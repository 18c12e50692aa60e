using System.Text.Json;

namespace Coder.Contracts.Agents;

/// <summary>
/// One agent event (ARCHITECTURE.md §6). <see cref="Seq"/> increases per agent; ingest drops duplicates by (agentId, seq).
/// On queue transports the agent token travels in <see cref="Token"/>; over HTTP it is the bearer token.
/// </summary>
public sealed record AgentEnvelope(
    string WorkspaceId,
    string AgentId,
    long Seq,
    DateTimeOffset SentAt,
    string Type,
    JsonElement Payload,
    string? Token = null);
