using System.Collections.Concurrent;
using System.Diagnostics;
using Coder.Local.Relay;
using Coder.Local.Storage;

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The local host as a real process (<c>dotnet Coder.Local.dll</c>) on a free port, with its own data folder and a
/// storage prefix on the shared Azurite. It can be killed like a crash and started again on the same state.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    public const string AdminToken = "cdr_test-admin-token-0123456789abcdef";

    readonly ConcurrentQueue<string> _output = new();
    readonly Dictionary<string, string> _environment;
    Process? _process;

    public LocalHostProcess(string storageConnectionString, string? prefix = null, string? dataDirectory = null, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        Prefix = prefix ?? TestStorage.NewPrefix();
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "coder-e2e-" + Prefix + "-" + Guid.NewGuid().ToString("N")[..6]);
        Port = FreePorts.Next();
        _environment = new Dictionary<string, string>
        {
            ["CODER_STORAGE"] = storageConnectionString,
            ["CODER_STORAGE_PREFIX"] = Prefix,
            ["CODER_DATA_DIR"] = DataDirectory,
            ["CODER_ADMIN_TOKEN"] = AdminToken,
            ["CODER_AGENT_PATH"] = BuildOutputs.AgentDll,
            ["ASPNETCORE_URLS"] = BaseUrl,

            // Each host folder gets its own relay (started by the host, killed by DisposeAsync), off the default port.
            ["CODER_RELAY_PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",

            // "Now listening on" proves the host bound its own port (see StartAsync).
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (k, v) in extraEnvironment ?? new Dictionary<string, string>()) _environment[k] = v;
    }

    public string Prefix { get; }
    public string DataDirectory { get; }
    public int Port { get; private set; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public int? ProcessId => _process?.Id;
    public string Output => string.Join('\n', _output);

    public CoderApi Admin() => new(BaseUrl, AdminToken);

    /// <summary>The local relay the host started or reused for its data folder (relay.json), or null when there is none.</summary>
    public LocalRelayRecord? Relay => LocalRelayFiles.Read(DataDirectory);

    /// <summary>
    /// Starts the host and waits until it answers. A port picked as free can be taken by another process before the host
    /// binds it; then another host may be answering on it (same admin token), so readiness needs the host's own
    /// "Now listening on" line too, and a lost port is retried on a new one.
    /// </summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnceAsync(timeout);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                _process?.Dispose();
                Port = FreePorts.Next();
                _environment["ASPNETCORE_URLS"] = BaseUrl;
            }
        }
    }

    async Task StartOnceAsync(TimeSpan? timeout)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BuildOutputs.RepoRoot };
        psi.ArgumentList.Add(BuildOutputs.LocalHostDll);
        foreach (var (k, v) in _environment) psi.Environment[k] = v;
        int earlierLines = _output.Count; // a restart must not count the previous run's line
        _process = Process.Start(psi) ?? throw new InvalidOperationException("The local host did not start.");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var process = _process;
        string listening = "Now listening on: " + BaseUrl;
        await Eventually.WaitAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException("The local host exited during startup:\n" + Output)
                : _output.Skip(earlierLines).Any(line => line.Contains(listening, StringComparison.Ordinal)) && (await http.GetAsync($"{BaseUrl}/api/health")).IsSuccessStatusCode,
            ok => ok, timeout ?? TimeSpan.FromSeconds(90), "the local host to listen on its port and answer /api/health");
    }

    /// <summary>Kills the host process alone (like a crash); the agents, in their own sessions, keep running.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        AgentProcesses.KillAllUnder(DataDirectory);

        // The host never stops its relay (sessions outlive it); the test that caused it does.
        await LocalRelayFiles.KillAsync(DataDirectory);
        try { Directory.Delete(DataDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
