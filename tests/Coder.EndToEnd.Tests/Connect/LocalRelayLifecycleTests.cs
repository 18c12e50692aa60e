using Coder.Local.Relay;
using System.Globalization;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary>
/// The local relay is its own process beside the host, so relayed sessions outlive the control plane: the host starts
/// one when none runs (in its own session, where the host's Ctrl-C does not reach), leaves it running when it stops,
/// and reuses it when it starts again. Only the test that caused it kills it (<see cref="LocalHostProcess.DisposeAsync"/>).
/// </summary>
[Collection(StorageCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalRelayLifecycleTests(TestStorage storage)
{
    [Fact]
    public async Task TheHost_StartsARelayWhenNoneRuns_LeavesItRunningWhenItStops_AndReusesItWhenItRestarts()
    {
        var host = new LocalHostProcess(storage.ConnectionString);
        int relayPid;
        await using (host)
        {
            await host.StartAsync();
            var started = host.Relay ?? throw new InvalidOperationException("No relay.json after the host started:\n" + host.Output);
            relayPid = started.Pid;
            Assert.True(LocalRelayFiles.IsAlive(relayPid));
            Assert.True(await HealthyAsync(started.Url));
            Assert.Contains($"Relay: {started.Url.Replace("http://", "ws://", StringComparison.Ordinal)} (started, pid {relayPid}", host.Output, StringComparison.Ordinal);

            // Its own session (a session leader): a Ctrl-C on the host's terminal goes to the host's foreground group only.
            Assert.Equal(relayPid, SessionOf(relayPid));
            Assert.NotEqual(SessionOf(host.ProcessId!.Value), SessionOf(relayPid));
            string keyFile = Path.Combine(host.DataDirectory, "relay", "keys.json");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));

            await host.KillAsync();
            Assert.True(LocalRelayFiles.IsAlive(relayPid));
            Assert.True(await HealthyAsync(started.Url));

            await host.StartAsync();
            Assert.Equal(relayPid, host.Relay!.Pid);
            Assert.Contains($"(reused, pid {relayPid}", host.Output, StringComparison.Ordinal);

            // Neither the keys nor anything signed with them reach the host's output.
            using var keys = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(keyFile));
            foreach (var key in keys.RootElement.GetProperty("keys").EnumerateArray())
                Assert.DoesNotContain(key.GetProperty("key").GetString()!, host.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("SharedAccessSignature", host.Output, StringComparison.Ordinal);
        }

        Assert.False(LocalRelayFiles.IsAlive(relayPid));
    }

    static async Task<bool> HealthyAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return (await http.GetAsync(url + "/healthz")).IsSuccessStatusCode;
    }

    /// <summary>Field 6 of /proc/{pid}/stat (after the parenthesised command name).</summary>
    static int SessionOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[3], CultureInfo.InvariantCulture);
    }
}
