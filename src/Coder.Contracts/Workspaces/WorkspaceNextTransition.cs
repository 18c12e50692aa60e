namespace Coder.Contracts.Workspaces;

/// <summary>The next scheduled change of a workspace, and why (GET <c>nextTransition</c>).</summary>
/// <param name="Action"><c>start</c> or <c>stop</c>.</param>
/// <param name="At">When the reconciler will act (it acts within one period of it).</param>
/// <param name="Reason">A sentence that says why, e.g. "idle 60 min after the last activity at 17:40".</param>
/// <param name="Source">What set it: <c>autostart</c>, <c>autostop</c>, <c>deadline</c>, or what extended it (<c>session:ssh:…</c>).</param>
public sealed record WorkspaceNextTransition(string Action, DateTimeOffset At, string Reason, string Source);
