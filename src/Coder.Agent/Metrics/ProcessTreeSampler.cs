namespace Coder.Agent.Metrics;

/// <summary>
/// Samples the workspace's process tree from <c>/proc</c>: the agent, its descendants, and every process in a session the
/// agent started. CPU is the tick delta since the previous sample; memory is resident set size.
/// </summary>
public sealed class ProcessTreeSampler(WorkspaceProcesses sessions, TimeProvider time)
{
    const double TicksPerSecond = 100; // USER_HZ is 100 on every Linux ABI .NET supports.
    readonly int _self = Environment.ProcessId;
    Dictionary<(int Pid, long Start), long> _previousTicks = [];
    long _previousTimestamp;

    public readonly record struct Sample(double CpuCores, long MemoryBytes, int Processes);

    public Sample Take()
    {
        var trackedAtRead = sessions.Tracked();
        var all = ReadAll();
        var byPid = all.ToDictionary(p => p.Pid);
        var members = new List<ProcStat>();
        var liveSessions = new HashSet<int>();
        foreach (var stat in all)
        {
            liveSessions.Add(stat.SessionId);
            // A script that has just started may not have called setsid yet: its pid is its session id-to-be.
            liveSessions.Add(stat.Pid);
            if (sessions.IsTrackedSession(stat.SessionId) || DescendsFromSelf(stat, byPid)) members.Add(stat);
        }
        sessions.Retain(trackedAtRead, liveSessions);

        long now = time.GetTimestamp();
        var ticks = new Dictionary<(int, long), long>(members.Count);
        long delta = 0, rssPages = 0;
        foreach (var member in members)
        {
            var key = (member.Pid, member.StartTime);
            ticks[key] = member.CpuTicks;
            delta += Math.Max(0, member.CpuTicks - _previousTicks.GetValueOrDefault(key, _previousTimestamp == 0 ? member.CpuTicks : 0));
            rssPages += member.RssPages;
        }
        double seconds = _previousTimestamp == 0 ? 0 : time.GetElapsedTime(_previousTimestamp, now).TotalSeconds;
        _previousTicks = ticks;
        _previousTimestamp = now;
        double cores = seconds > 0 ? delta / TicksPerSecond / seconds : 0;
        return new Sample(cores, rssPages * Environment.SystemPageSize, members.Count);
    }

    bool DescendsFromSelf(ProcStat stat, Dictionary<int, ProcStat> byPid)
    {
        var current = stat;
        for (int depth = 0; depth < 64; depth++)
        {
            if (current.Pid == _self) return true;
            if (current.ParentPid <= 1 || !byPid.TryGetValue(current.ParentPid, out current)) return false;
        }
        return false;
    }

    static List<ProcStat> ReadAll()
    {
        var result = new List<ProcStat>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            string name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
            try
            {
                if (ProcStat.Parse(File.ReadAllText(Path.Combine(dir, "stat"))) is { } stat) result.Add(stat);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
            {
                // The process exited between listing and reading.
            }
        }
        return result;
    }
}
