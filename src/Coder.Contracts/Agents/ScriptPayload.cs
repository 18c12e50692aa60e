namespace Coder.Contracts.Agents;

/// <summary>The outcome of one script: phase is <c>startup</c> or <c>shutdown</c>.</summary>
public sealed record ScriptPayload(string Name, string Phase, int? ExitCode, long DurationMs, bool TimedOut, bool BlocksReady);
