using System.Diagnostics;
using System.Text.Json;

namespace Coder.Local.Relay;

/// <summary>The local relay a host recorded in <c>{data}/relay/relay.json</c>, and its end for whoever caused it (tests, the bench): the host never stops it.</summary>
public static class LocalRelayFiles
{
    public static LocalRelayRecord? Read(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, "relay", "relay.json");
        try
        {
            return JsonSerializer.Deserialize<LocalRelayRecord>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Kills the recorded relay, if it is still a relay (a reused pid is left alone).</summary>
    public static async Task KillAsync(string dataDirectory)
    {
        if (Read(dataDirectory) is not { } record) return;
        try
        {
            using var process = Process.GetProcessById(record.Pid);
            if (!File.ReadAllText($"/proc/{record.Pid}/cmdline").Contains(LocalRelay.RelayDllName, StringComparison.Ordinal)) return;
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            // Already gone.
        }
    }
}
