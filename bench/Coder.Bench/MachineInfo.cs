using System.Globalization;

namespace Coder.Bench;

/// <summary>What the results need to be read against: the machine's memory and how busy it was (other work shares it).</summary>
static class MachineInfo
{
    public static long TotalMemoryMiB()
    {
        try
        {
            // /proc/meminfo is the machine's memory; GC info can be a container limit.
            string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }

        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024);
    }

    /// <summary>The 1, 5 and 15 minute load averages, or null where /proc/loadavg does not exist.</summary>
    public static double[]? LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
