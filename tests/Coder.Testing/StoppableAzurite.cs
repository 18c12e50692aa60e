using System.Diagnostics;
using System.Globalization;
using Coder.Local.Storage;

namespace Coder.Testing;

/// <summary>
/// An Azurite of the test's own (never the run's shared one), on fixed ports and a fixed data folder, so it can be
/// stopped (SIGTERM, which lets it persist its data) and started again at the same endpoint, like a storage outage.
/// </summary>
public sealed class StoppableAzurite : IAsyncDisposable
{
    readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "coder-test-azurite-" + Guid.NewGuid().ToString("N")[..8]);
    readonly int _blobPort = FreePorts.Next(), _queuePort = FreePorts.Next(), _tablePort = FreePorts.Next();
    readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    readonly string _accountKey = AzuriteAccountKey.New();
    Process? _process;

    public string ConnectionString => EmbeddedAzurite.ConnectionStringFor(_accountKey, _blobPort, _queuePort, _tablePort);

    public async Task StartAsync()
    {
        string script = Path.Combine(RepositoryRoot.Find(), "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script)) throw new FileNotFoundException("Azurite is not installed: run 'npm ci --no-audit --no-fund' in the repository.", script);

        Directory.CreateDirectory(_dataDirectory);
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["AZURITE_ACCOUNTS"] = AzuriteAccountKey.AccountsVariable(_accountKey);
        foreach (string argument in new[]
        {
            script, "--silent", "--skipApiVersionCheck", "--loose", "--location", _dataDirectory,
            "--blobHost", "127.0.0.1", "--blobPort", Str(_blobPort), "--queueHost", "127.0.0.1", "--queuePort", Str(_queuePort),
            "--tableHost", "127.0.0.1", "--tablePort", Str(_tablePort),
        })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        StartWatchdog(_process.Id);
        var process = _process;
        await Eventually.WaitAsync(async () => process.HasExited
            ? throw new InvalidOperationException("Azurite exited at start: " + string.Join('\n', _output))
            : await FreePorts.IsListeningAsync(_queuePort, CancellationToken.None), ok => ok, TimeSpan.FromSeconds(90), "the test's Azurite to listen");
    }

    /// <summary>
    /// Kills Azurite when the test process goes away, however it goes (the test host may be killed before any dispose runs).
    /// It stops watching once Azurite itself has exited, so it never signals a recycled pid.
    /// </summary>
    static void StartWatchdog(int azuritePid)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (string argument in new[]
        {
            "-c", "while kill -0 $1 2>/dev/null && kill -0 $2 2>/dev/null; do sleep 2; done; kill -0 $1 2>/dev/null || kill $2 2>/dev/null",
            "watchdog", Str(Environment.ProcessId), Str(azuritePid),
        })
        {
            info.ArgumentList.Add(argument);
        }

        Process.Start(info)?.Dispose();
    }

    /// <summary>Stops it gracefully (it saves its data), and forcibly if it does not exit in time.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Str(_process.Id) }, UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _process = null;
    }

    static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try { Directory.Delete(_dataDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
