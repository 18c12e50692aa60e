namespace Coder.Cli.Tests.Infrastructure;

/// <summary>The processes on this machine, where the test's agent runs what the CLI asks for.</summary>
public static class Processes
{
    /// <summary>Whether a process runs with exactly this argv (the tests use odd numbers, such as sleep 4321, to be unique).</summary>
    public static bool Running(params string[] argv)
    {
        string wanted = string.Concat(argv.Select(a => a + "\0"));
        return Directory.EnumerateDirectories("/proc").Any(dir =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(dir, "cmdline")) == wanted;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false; // The process ended while being read.
            }
        });
    }
}
