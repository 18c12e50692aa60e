namespace Coder.Orchestrations.Operations;

/// <param name="Reused">The current build was already running, so nothing was started (a retried activity).</param>
/// <param name="Isolation"><c>sandbox</c> or <c>none</c> where the provisioner reports it (an optional field: older outputs lack it).</param>
public sealed record EnsureWorkspaceResult(string BuildId, int Replicas, int ReadyTimeoutSeconds, bool LimitsEnforced, bool Reused, string? Note, string? Isolation = null);
