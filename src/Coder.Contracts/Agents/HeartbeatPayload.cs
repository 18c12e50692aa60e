namespace Coder.Contracts.Agents;

/// <summary>Heartbeat. <see cref="ConfigVersion"/> is the manifest version the agent runs, so the control plane can tell it to re-fetch.</summary>
public sealed record HeartbeatPayload(string? ConfigVersion, long UptimeSeconds, string? Replica = null);
