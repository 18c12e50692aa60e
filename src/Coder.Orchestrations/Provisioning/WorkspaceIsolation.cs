namespace Coder.Orchestrations.Provisioning;

/// <summary>How a workspace's code is kept from the host and other workspaces: <c>sandbox</c> or <c>none</c>, with why not.</summary>
public sealed record WorkspaceIsolation(string Level, string? Reason = null);
