namespace Coder.Orchestrations.Provisioning;

/// <summary>How a script run as workspace code ended.</summary>
/// <param name="Found">False when the workspace has no such script (nothing ran).</param>
/// <param name="TimedOut">The script was killed at its deadline.</param>
/// <param name="Error">The start of its standard error, when it failed.</param>
public sealed record WorkspaceScriptResult(bool Found, int ExitCode = 0, bool TimedOut = false, string Error = "")
{
    public bool Succeeded => Found && !TimedOut && ExitCode == 0;
}
