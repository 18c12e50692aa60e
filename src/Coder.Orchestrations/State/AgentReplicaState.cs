using Coder.Contracts.Agents;
using Coder.Contracts.Connect;

namespace Coder.Orchestrations.State;

/// <summary>One agent's state; <paramref name="Connect"/> is what it last reported about its way in (it listens on the relay).</summary>
/// <param name="Sessions">The sessions this agent last reported open; the workspace's count is the sum over its agents.</param>
public sealed record AgentReplicaState(AgentLifecycle Lifecycle, string? Reason, DateTimeOffset? LastHeartbeatAt, AgentConnectState? Connect = null, int? Sessions = null);
