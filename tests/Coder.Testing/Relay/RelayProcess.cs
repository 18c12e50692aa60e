using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Coder.Local.Storage;

namespace Coder.Testing;

/// <summary>The real Coder.Relay, run from its build output with <c>dotnet</c> as its own process on a loopback port.</summary>
public sealed class RelayProcess : IAsyncDisposable
{
    static string Configuration => typeof(RelayProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    static string DllPath => Path.Combine(RepositoryRoot.Find(), "src", "Coder.Relay", "bin", Configuration, "net10.0", "Coder.Relay.dll");

    readonly Process _process;
    readonly StringBuilder _output = new();

    RelayProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the relay wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static RelayProcess Start(string keyFile, int port, params string[] settings)
    {
        if (!File.Exists(DllPath)) throw new FileNotFoundException($"Relay build output missing: {DllPath}. Build src/Coder.Relay first.", DllPath);
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])[DllPath, "--urls", $"http://127.0.0.1:{port}", $"--Relay:KeyFile={keyFile}", .. settings])
            info.ArgumentList.Add(argument);
        var process = Process.Start(info)!;
        var relay = new RelayProcess(process, port);
        process.OutputDataReceived += (_, e) => relay.Append(e.Data);
        process.ErrorDataReceived += (_, e) => relay.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return relay;
    }

    public async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.WaitAsync(
            async () => HasExited ? throw new InvalidOperationException($"The relay exited with {ExitCode}: {Output}") : await http.GetStringAsync(new Uri(Address, "/healthz")),
            body => body == "ok",
            TimeSpan.FromSeconds(20),
            "the relay's /healthz");
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Ends the relay at once, as a crash would: every WebSocket through it drops without a close.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
