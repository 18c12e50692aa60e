namespace Coder.Orchestrations.Schedules;

/// <summary>The <c>source</c> of a schedule decision: what set the time it acts on.</summary>
public static class ScheduleSources
{
    public const string Autostart = "autostart";
    public const string Autostop = "autostop";
    public const string Activity = "activity";

    /// <summary><c>user:{actor}</c>: a deadline a user set.</summary>
    public static string User(string actor) => "user:" + actor;

    /// <summary><c>session:{kind}:{id}</c>: the session (as the agent reported it, <c>kind:id</c>) that kept the workspace running.</summary>
    public static string Session(string kindAndId) => "session:" + kindAndId;

    /// <summary>"an ssh session (connect-3-1)" for <c>session:ssh:connect-3-1</c>; null for a source that is not a session.</summary>
    public static string? DescribeSession(string? source)
    {
        if (source is null || !source.StartsWith("session:", StringComparison.Ordinal)) return null;
        var parts = source["session:".Length..].Split(':', 2);
        string id = parts.Length > 1 ? parts[1] : "";
        string what = parts[0] switch
        {
            "ssh" => "an ssh session",
            "pty" => "a terminal session (coder ssh)",
            "exec" => "a command session (coder ssh --)",
            "tcp" => "a port-forward session",
            "local" => "a local session (the agent's session socket)",
            var other => $"a {other} session",
        };
        return id.Length == 0 ? what : $"{what} ({id})";
    }
}
