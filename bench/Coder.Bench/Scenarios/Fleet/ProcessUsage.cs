using System.Diagnostics;
using System.Globalization;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>CPU time and resident memory of one process, from <c>/proc/&lt;pid&gt;/stat</c> and <c>/proc/&lt;pid&gt;/status</c>.</summary>
static class ProcessUsage
{
    /// <summary>Clock ticks per second (USER_HZ): 100 on every Linux the bench runs on.</summary>
    const double TicksPerSecond = 100;

    public sealed record Sample(long Timestamp, double CpuSeconds, long RssBytes);

    public static Sample? Read(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");

            // The command name is in parentheses and may hold spaces: fields count from after its closing one.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            string? rss = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            long rssBytes = rss is null ? 0 : long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            return new Sample(Stopwatch.GetTimestamp(), cpu, rssBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Cores used between two samples (CPU seconds per wall second).</summary>
    public static double Cores(Sample? from, Sample? to) =>
        from is null || to is null ? double.NaN : (to.CpuSeconds - from.CpuSeconds) / Stopwatch.GetElapsedTime(from.Timestamp, to.Timestamp).TotalSeconds;
}
