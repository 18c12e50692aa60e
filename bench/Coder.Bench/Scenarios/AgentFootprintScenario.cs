using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Bench.Scenarios;

/// <summary>
/// The Native AOT agent's footprint next to the same agent on the JIT (<c>dotnet coder-agent.dll</c>), both measured in this
/// run against one stand-in control plane (manifest plus the HTTP transport, so the figures are the agent's alone): binary
/// size, process start to the <c>ready</c> event with no scripts, idle RSS after 60 s, and CPU seconds per minute at the
/// control plane's default intervals (heartbeat 5 s, metrics 30 s). Targets: ≤ 25 MiB, ≤ 150 ms, ≤ 30 MiB, ≤ 0.3 s/min.
/// </summary>
public sealed class AgentFootprintScenario : IBenchmarkScenario
{
    const string Token = "cda_bench-footprint-token";
    const double MiB = 1024 * 1024;
    const int ReadyRuns = 5;

    public string Name => "agent-footprint";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        string native = await AgentBuilds.NativeAsync(context.RepoRoot, cancellationToken);
        string managed = await AgentBuilds.ManagedAsync(context.RepoRoot, cancellationToken);
        var idle = TimeSpan.FromSeconds(context.Quick ? 15 : 60);

        using var listener = new HttpListener();
        int port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var readyAt = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var serving = ServeAsync(listener, readyAt, cancellationToken);
        string url = $"http://127.0.0.1:{port}";

        double nativeReady = await MedianStartToReadyAsync([native], url, context.ScratchDirectory, readyAt, cancellationToken);
        double managedReady = await MedianStartToReadyAsync(["dotnet", managed], url, context.ScratchDirectory, readyAt, cancellationToken);
        // Both idle side by side for the same minute, so they see the same machine load.
        var nativeIdle = IdleAsync([native], url, context.ScratchDirectory, readyAt, idle, cancellationToken);
        var managedIdle = IdleAsync(["dotnet", managed], url, context.ScratchDirectory, readyAt, idle, cancellationToken);
        var (nativeRss, nativeCpu) = await nativeIdle;
        var (managedRss, managedCpu) = await managedIdle;
        listener.Stop();
        await serving;

        double nativeSize = new FileInfo(native).Length / MiB;
        double managedSize = ManagedFootprintBytes(managed) / MiB;
        int publishedFiles = Directory.GetFiles(Path.GetDirectoryName(native)!).Count(f => !f.EndsWith(".dbg", StringComparison.Ordinal) && !f.EndsWith(".pdb", StringComparison.Ordinal));
        string baseline = "JIT agent (dotnet coder-agent.dll)";
        string window = $"idle {idle.TotalSeconds:0} s";
        return
        [
            new(Name, "binary size", Round(nativeSize), "MiB", "JIT agent's own files (excl. shared runtime)", Round(managedSize), Ratio(managedSize, nativeSize), "≤ 25 MiB",
                $"{publishedFiles} file(s) in the publish folder besides symbols", nativeSize <= 25),
            new(Name, "start to ready (no scripts)", Round(nativeReady), "ms", baseline, Round(managedReady), Ratio(managedReady, nativeReady), "≤ 150 ms", $"median of {ReadyRuns}", nativeReady <= 150),
            new(Name, $"RSS after {window}", Round(nativeRss), "MiB", baseline, Round(managedRss), Ratio(managedRss, nativeRss), "≤ 30 MiB", null, nativeRss <= 30),
            new(Name, "CPU per minute, default intervals", Round(nativeCpu), "s", baseline, Round(managedCpu), Ratio(managedCpu, nativeCpu), "≤ 0.3 s/min",
                $"heartbeat 5 s, metrics 30 s, {window}", nativeCpu <= 0.3),
        ];
    }

    static async Task<double> MedianStartToReadyAsync(string[] command, string url, string scratch, System.Collections.Concurrent.ConcurrentDictionary<string, long> readyAt,
        CancellationToken cancellationToken)
    {
        var runs = new List<double>();
        for (int i = 0; i < ReadyRuns; i++)
        {
            string agentId = "bench-" + Guid.NewGuid().ToString("N")[..8];
            long started = Stopwatch.GetTimestamp();
            using var agent = StartAgent(command, agentId, url, scratch);
            long ready = await WaitForReadyAsync(readyAt, agentId, agent, cancellationToken);
            runs.Add(Stopwatch.GetElapsedTime(started, ready).TotalMilliseconds);
            await StopAsync(agent);
        }

        runs.Sort();
        return runs[runs.Count / 2];
    }

    static async Task<(double RssMiB, double CpuSecondsPerMinute)> IdleAsync(string[] command, string url, string scratch,
        System.Collections.Concurrent.ConcurrentDictionary<string, long> readyAt, TimeSpan idle, CancellationToken cancellationToken)
    {
        string agentId = "bench-idle-" + Guid.NewGuid().ToString("N")[..8];
        using var agent = StartAgent(command, agentId, url, scratch);
        await WaitForReadyAsync(readyAt, agentId, agent, cancellationToken);
        long cpuAtReady = CpuTicks(agent.Id);
        long from = Stopwatch.GetTimestamp();
        await Task.Delay(idle, cancellationToken);
        double minutes = Stopwatch.GetElapsedTime(from).TotalMinutes;
        double cpu = (CpuTicks(agent.Id) - cpuAtReady) / 100.0 / minutes;
        double rss = RssKiB(agent.Id) / 1024.0;
        await StopAsync(agent);
        return (rss, cpu);
    }

    static Process StartAgent(string[] command, string agentId, string url, string scratch)
    {
        string root = Path.Combine(scratch, agentId);
        Directory.CreateDirectory(root);
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = root };
        foreach (string argument in command.Skip(1)) info.ArgumentList.Add(argument);
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("CODER_", StringComparison.Ordinal)).ToList()) info.Environment.Remove(key);
        info.Environment["CODER_WORKSPACE_ID"] = "ws-bench";
        info.Environment["CODER_AGENT_ID"] = agentId;
        info.Environment["CODER_AGENT_TOKEN"] = Token;
        info.Environment["CODER_URL"] = url;
        info.Environment["CODER_AGENT_TRANSPORT"] = "http";
        info.Environment["CODER_WORKSPACE_DIR"] = root;
        info.Environment["CODER_AGENT_LOG_LEVEL"] = "warning";
        var process = Process.Start(info) ?? throw new InvalidOperationException("The agent did not start.");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    static async Task<long> WaitForReadyAsync(System.Collections.Concurrent.ConcurrentDictionary<string, long> readyAt, string agentId, Process agent,
        CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (!readyAt.ContainsKey(agentId))
        {
            if (agent.HasExited || Stopwatch.GetTimestamp() > deadline) throw new InvalidOperationException($"Agent {agentId} never reported ready.");
            await Task.Delay(5, cancellationToken);
        }

        return readyAt[agentId];
    }

    static async Task StopAsync(Process agent)
    {
        if (agent.HasExited) return;
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", agent.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        try
        {
            await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            agent.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The stand-in control plane: the manifest (no scripts, default intervals) and POST /api/agent/events.</summary>
    static async Task ServeAsync(HttpListener listener, System.Collections.Concurrent.ConcurrentDictionary<string, long> readyAt, CancellationToken cancellationToken)
    {
        var manifest = new AgentManifest("ws-bench", "bench-v1", [], new Dictionary<string, string>(), new AgentIntervals(5, 30), []);
        byte[] manifestBody = JsonSerializer.SerializeToUtf8Bytes(manifest, CoderJsonContext.Default.AgentManifest);
        byte[] accepted = Encoding.UTF8.GetBytes("{\"accepted\":0,\"configVersion\":\"bench-v1\"}");
        while (listener.IsListening && !cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                using var response = context.Response;
                if (context.Request.Url?.AbsolutePath == "/api/agent/events")
                {
                    long now = Stopwatch.GetTimestamp();
                    var batch = await JsonSerializer.DeserializeAsync(context.Request.InputStream, CoderJsonContext.Default.AgentEventsBatch, cancellationToken);
                    foreach (var e in batch?.Events ?? [])
                    {
                        if (e.Type == AgentEventTypes.Lifecycle && e.Payload.Deserialize(CoderJsonContext.Default.LifecyclePayload)?.State == AgentLifecycle.Ready)
                        {
                            readyAt.TryAdd(e.AgentId, now);
                        }
                    }

                    response.StatusCode = 202;
                    response.ContentType = "application/json";
                    response.OutputStream.Write(accepted);
                }
                else if (context.Request.Headers["If-None-Match"] == "\"bench-v1\"")
                {
                    response.StatusCode = 304;
                }
                else
                {
                    response.StatusCode = 200;
                    response.ContentType = "application/json";
                    response.Headers["ETag"] = "\"bench-v1\"";
                    response.OutputStream.Write(manifestBody);
                }
            }
            catch (Exception e) when (e is HttpListenerException or IOException or JsonException)
            {
                // The agent hung up mid-request.
            }
        }
    }

    /// <summary>The JIT agent's own assemblies (it also needs the shared runtime, which the AOT binary carries inside).</summary>
    static long ManagedFootprintBytes(string dll) =>
        Directory.GetFiles(Path.GetDirectoryName(dll)!, "*.dll").Sum(f => new FileInfo(f).Length);

    static long CpuTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    static long RssKiB(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }

        return 0;
    }

    static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    static double Round(double value) => Math.Round(value, 3);

    static double? Ratio(double baseline, double figure) => figure > 0 ? Math.Round(baseline / figure, 2) : null;
}
