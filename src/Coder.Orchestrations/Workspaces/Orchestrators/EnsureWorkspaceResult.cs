namespace Coder.Orchestrations.Workspaces.Orchestrators;

/// <param name="Reused">The current build was already running, so nothing was started (a retried activity).</param>
public sealed record EnsureWorkspaceResult(string BuildId, int Replicas, int ReadyTimeoutSeconds, bool LimitsEnforced, bool Reused, string? Note);
