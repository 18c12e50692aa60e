using System.Runtime.InteropServices;
using System.Text;

namespace Coder.Orchestrations.Provisioning.Local;

/// <summary>Reads processes from /proc and signals them. Linux only, which is where the local provisioner runs.</summary>
static partial class ProcFs
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Processes whose environment holds all of <paramref name="required"/> with those values, excluding zombies.</summary>
    public static IEnumerable<(int Pid, Dictionary<string, string> Environment)> FindByEnvironment(IReadOnlyDictionary<string, string> required)
    {
        foreach (string dir in SafeEnumerate())
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            var env = ReadEnvironment(pid);
            if (env is null || !required.All(r => env.TryGetValue(r.Key, out var v) && v == r.Value)) continue;
            if (!IsAlive(pid)) continue;
            yield return (pid, env);
        }
    }

    /// <summary>Every live process whose session is <paramref name="sessionId"/> (an agent started with setsid leads its own).</summary>
    public static IEnumerable<int> SessionMembers(int sessionId)
    {
        foreach (string dir in SafeEnumerate())
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            var stat = ReadStat(pid);
            if (stat is { } s && s.Session == sessionId && s.State != 'Z') yield return pid;
        }
    }

    public static bool IsAlive(int pid) => ReadStat(pid) is { State: not 'Z' and not 'X' };

    public static string? ReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    static IEnumerable<string> SafeEnumerate()
    {
        try
        {
            return Directory.GetDirectories("/proc");
        }
        catch (IOException)
        {
            return [];
        }
    }

    static Dictionary<string, string>? ReadEnvironment(int pid)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes($"/proc/{pid}/environ");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in Encoding.UTF8.GetString(bytes).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = entry.IndexOf('=');
            if (eq > 0) env[entry[..eq]] = entry[(eq + 1)..];
        }

        return env;
    }

    static (char State, int Session)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name is in parentheses and may contain spaces; fields after the last ')' are fixed.
        int close = text.LastIndexOf(')');
        if (close < 0) return null;
        var fields = text[(close + 2)..].Split(' ');
        return fields.Length > 3 && int.TryParse(fields[3], out int session) ? (fields[0][0], session) : null;
    }
}
