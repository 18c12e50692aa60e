namespace Coder.Agent.Scripts;

/// <summary>How one script ended. <see cref="ExitCode"/> is null when it was killed on timeout or could not start.</summary>
public sealed record ScriptOutcome(string Name, int? ExitCode, TimeSpan Duration, bool TimedOut, bool Canceled)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut && !Canceled;
}
