using Coder.Contracts.Agents;
using Coder.Contracts.Connect;

namespace Coder.Contracts.Workspaces;

/// <summary>One agent of the live build (one per replica): its lifecycle, and its way in when it listens on the relay.</summary>
public sealed record WorkspaceReplicaAgentView(string AgentId, AgentLifecycle Lifecycle, string? Reason = null, AgentConnectView? Connect = null);
