using Coder.Contracts.Agents;

namespace Coder.Agent.ControlPlane;

/// <summary>The answer to one manifest poll: a new manifest, or null when the control plane said 304 Not Modified.</summary>
public sealed record ManifestFetch(AgentManifest? Manifest);
