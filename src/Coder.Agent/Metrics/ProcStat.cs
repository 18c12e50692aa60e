using System.Globalization;

namespace Coder.Agent.Metrics;

/// <summary>The fields of <c>/proc/[pid]/stat</c> the agent needs.</summary>
public readonly record struct ProcStat(int Pid, int ParentPid, int SessionId, long CpuTicks, long StartTime, long RssPages)
{
    /// <summary>Parses one stat line; the command name may hold spaces and parentheses, so fields are read after the last ')'.</summary>
    public static ProcStat? Parse(string line)
    {
        int close = line.LastIndexOf(')');
        int open = line.IndexOf(' ');
        if (close < 0 || open < 0) return null;
        var fields = line[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state) of proc(5).
        if (fields.Length < 22) return null;
        static long L(string s) => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
        return new ProcStat(
            int.Parse(line.AsSpan(0, open), NumberStyles.Integer, CultureInfo.InvariantCulture),
            (int)L(fields[1]),
            (int)L(fields[3]),
            L(fields[11]) + L(fields[12]),
            L(fields[19]),
            L(fields[21]));
    }
}
