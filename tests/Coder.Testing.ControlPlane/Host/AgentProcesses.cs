using System.Text;

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>Finds agent processes from /proc by the workspace folder in their environment, the way an operator would.</summary>
public static class AgentProcesses
{
    /// <summary>Live agent processes (the agent binary itself, not its scripts) whose workspace folder is under <paramref name="dataDirectory"/>.</summary>
    public static IReadOnlyList<(int Pid, string WorkspaceId)> Under(string dataDirectory, string? workspaceId = null) =>
        Find(wsDir => wsDir.StartsWith(dataDirectory, StringComparison.Ordinal), workspaceId);

    /// <summary>Live agent processes whose workspace folder is exactly <paramref name="folder"/> (one compute instance).</summary>
    public static List<int> InFolder(string folder) => Find(wsDir => wsDir == folder, null).Select(p => p.Pid).ToList();

    static List<(int Pid, string WorkspaceId)> Find(Func<string, bool> folderMatches, string? workspaceId)
    {
        var found = new List<(int, string)>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "stat")).Split(')').Last().TrimStart().StartsWith('Z')) continue;
                string cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (!cmd.Contains("coder-agent", StringComparison.Ordinal) || IsLauncher(cmd)) continue;
                var env = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "environ"))).Split('\0');
                string? wsDir = env.FirstOrDefault(e => e.StartsWith("CODER_WORKSPACE_DIR=", StringComparison.Ordinal))?["CODER_WORKSPACE_DIR=".Length..];
                string? ws = env.FirstOrDefault(e => e.StartsWith("CODER_WORKSPACE_ID=", StringComparison.Ordinal))?["CODER_WORKSPACE_ID=".Length..];
                if (wsDir is null || ws is null || !folderMatches(wsDir)) continue;
                if (workspaceId is null || ws == workspaceId) found.Add((pid, ws));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>
    /// Kills every process of the workspaces under <paramref name="dataDirectory"/>: the agents and whatever their scripts
    /// left running in the background (those are reparented to init, so no process tree reaches them, but they inherit
    /// the agent's environment).
    /// </summary>
    public static void KillAllUnder(string dataDirectory)
    {
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                var env = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "environ"))).Split('\0');
                string? wsDir = env.FirstOrDefault(e => e.StartsWith("CODER_WORKSPACE_DIR=", StringComparison.Ordinal))?["CODER_WORKSPACE_DIR=".Length..];
                if (wsDir is null || !wsDir.StartsWith(dataDirectory, StringComparison.Ordinal)) continue;
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Gone already, or not ours to read.
            }
        }
    }

    /// <summary>
    /// The host pid of the process a workspace's own code knows as <paramref name="workspacePid"/> (its <c>$!</c> or <c>$$</c>):
    /// in a sandbox, pids are of the workspace's pid namespace, which is the one <paramref name="agentPid"/> is in.
    /// </summary>
    public static int HostPid(int agentPid, int workspacePid)
    {
        string ns = new FileInfo($"/proc/{agentPid}/ns/pid").LinkTarget ?? throw new InvalidOperationException($"No pid namespace for {agentPid}.");
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                if (new FileInfo(Path.Combine(dir, "ns", "pid")).LinkTarget != ns) continue;
                string nsPids = File.ReadLines(Path.Combine(dir, "status")).First(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
                if (nsPids.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[^1] == workspacePid.ToString(System.Globalization.CultureInfo.InvariantCulture)) return pid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        throw new InvalidOperationException($"No process is {workspacePid} in the pid namespace of {agentPid}.");
    }

    /// <summary>The sandbox's launchers (bubblewrap, setpriv) carry the agent's command line and environment but are not the agent.</summary>
    static bool IsLauncher(string commandLine) => Path.GetFileName(commandLine.Split(' ', 2)[0]) is "sh" or "setsid" or "bwrap" or "setpriv";

    public static bool IsAlive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Split(')').Last().TrimStart().StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
