using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Coder.Contracts.Files;

namespace Coder.Local.Relay;

/// <summary>
/// The local relay (src/Coder.Relay) as its own process beside the host, so relayed sessions outlive the host: its data
/// folder is <c>{data}/relay/</c> (keys.json, created once 0600, first writer wins; relay.json {pid,url}; relay.log). A
/// healthy relay recorded there is reused; otherwise one is started detached in its own session (<c>setsid</c>, so a
/// Ctrl-C on the host's terminal does not reach it) on CODER_RELAY_PORT (7072). The host never stops it.
/// </summary>
public static class LocalRelay
{
    public const int DefaultPort = 7072;
    public const string KeyName = "coder-control-plane";
    public const string SendKeyName = "coder-connect";
    public const string RelayDllName = "Coder.Relay.dll";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<LocalRelayConnection> StartOrReuseAsync(string dataDirectory, int port, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(dataDirectory, "relay");
        Directory.CreateDirectory(folder);
        string keyFile = Path.Combine(folder, "keys.json");
        var keys = ReadOrCreateKeys(keyFile);
        string recordFile = Path.Combine(folder, "relay.json");

        // Hosts starting at once on one data folder (a second instance, a restart racing a crash) take turns: the first
        // starts the relay and records it, the next finds it recorded and healthy, so no relay is started twice.
        using var turn = await TakeTurnAsync(Path.Combine(folder, "start.lock"), cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        if (ReadRecord(recordFile) is { } recorded && IsAlive(recorded.Pid) && await IsHealthyAsync(http, recorded.Url, cancellationToken))
            return new LocalRelayConnection(WebSocketUrl(recorded.Url), keys, recorded.Pid, "reused");

        string url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        using var process = Start(keyFile, url, Path.Combine(folder, "relay.log"));
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (!await IsHealthyAsync(http, url, cancellationToken))
        {
            if (process.HasExited || DateTimeOffset.UtcNow > deadline)
                throw new InvalidOperationException($"The local relay did not start on {url}; see {Path.Combine(folder, "relay.log")}.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        // Ours exited, yet something answers: another host on this data folder won the port a moment earlier (its relay
        // has the same keys, and it records itself), or a stranger holds the port (whose keys are not ours).
        if (process.HasExited)
        {
            // The winner records itself right after its health check passes.
            for (var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5); DateTimeOffset.UtcNow < until; await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken))
            {
                if (ReadRecord(recordFile) is { } winner && winner.Url == url && IsAlive(winner.Pid))
                    return new LocalRelayConnection(WebSocketUrl(url), keys, winner.Pid, "reused");
            }

            throw new InvalidOperationException($"Port {port} is taken by a relay this data folder did not start; set CODER_RELAY_PORT to another port.");
        }

        WriteRecord(recordFile, new LocalRelayRecord(process.Id, url));
        return new LocalRelayConnection(WebSocketUrl(url), keys, process.Id, "started");
    }

    /// <summary>An exclusive lock on <paramref name="path"/> (flock through FileShare.None), waited for up to a minute.</summary>
    static async Task<FileStream> TakeTurnAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
    }

    /// <summary>The relay's process: <c>setsid dotnet Coder.Relay.dll</c> with its output in the log, through an <c>exec</c> so the pid is the relay's.</summary>
    static Process Start(string keyFile, string url, string log)
    {
        string relayDll = Path.Combine(AppContext.BaseDirectory, RelayDllName);
        if (!File.Exists(relayDll)) throw new FileNotFoundException($"{RelayDllName} is not beside the host; build src/Coder.Local.", relayDll);
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(log)! };
        foreach (string argument in (string[])["-c", "exec setsid \"$0\" \"$@\" >>\"$CODER_RELAY_LOG\" 2>&1 </dev/null", DotnetPath(), relayDll, "--urls", url, $"--Relay:KeyFile={keyFile}"])
            info.ArgumentList.Add(argument);

        // The relay needs none of the host's settings, and must not read its secrets or its listening address.
        foreach (string name in info.Environment.Keys.Where(k => k.StartsWith("CODER_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("AzureWebJobs", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(name);
        info.Environment["CODER_RELAY_LOG"] = log;
        return Process.Start(info) ?? throw new InvalidOperationException("The local relay did not start.");
    }

    /// <summary>The dotnet that runs the host (<c>dotnet Coder.Local.dll</c>), else the one the SDK names, else PATH's.</summary>
    static string DotnetPath()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    static LocalRelayKeys ReadOrCreateKeys(string keyFile)
    {
        var content = new
        {
            keys = new[]
            {
                new { name = KeyName, key = NewKey(), rights = new[] { "Listen", "Send" } },
                new { name = SendKeyName, key = NewKey(), rights = new[] { "Send" } },
            },
        };
        SecretFile.TryCreate(keyFile, JsonSerializer.Serialize(content, Json));
        using var existing = JsonDocument.Parse(File.ReadAllText(keyFile));
        var byName = existing.RootElement.GetProperty("keys").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString() ?? "", e => e.GetProperty("key").GetString());
        if (byName.GetValueOrDefault(KeyName) is not { } key) throw new InvalidOperationException($"{keyFile} has no key named {KeyName}.");
        return new LocalRelayKeys(key, byName.GetValueOrDefault(SendKeyName));
    }

    static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    static LocalRelayRecord? ReadRecord(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LocalRelayRecord>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    static void WriteRecord(string path, LocalRelayRecord record)
    {
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(record, Json));
        File.Move(temp, path, overwrite: true);
    }

    static bool IsAlive(int pid)
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

    /// <summary>Whether a relay answers <c>/healthz</c> at <paramref name="url"/> (http).</summary>
    public static async Task<bool> IsHealthyAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url + "/healthz", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    static string WebSocketUrl(string httpUrl) => "ws" + httpUrl["http".Length..];
}
