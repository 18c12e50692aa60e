namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>Whether a command runs on this machine (a local workspace's processes are this machine's), read from /proc.</summary>
public static class RunningCommands
{
    /// <summary>
    /// True while a process's command line is exactly <paramref name="argv"/>. Tests give it an argument nothing else on
    /// the machine uses (a sleep of 100.&lt;random&gt; seconds), so it sees their own process.
    /// </summary>
    public static bool Any(params string[] argv)
    {
        string cmdline = string.Concat(argv.Select(arg => arg + "\0"));
        return Directory.EnumerateDirectories("/proc").Any(dir =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(dir, "cmdline")) == cmdline;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        });
    }
}
