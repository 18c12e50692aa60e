using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Coder.Local.Storage;

namespace Coder.Bench.Scenarios;

/// <summary>
/// Getting into a workspace (issue #22): <c>coder port-forward</c> (the real CLI process) through the relay the local host
/// runs beside it, to a real agent in a local workspace, which connects to 127.0.0.1 inside it. Measured: a 100 MiB
/// upload's throughput and a 1-byte echo's round trip. Baseline, in the same run and to the same targets: a stock OpenSSH
/// <c>ssh -L</c> forward through <c>sshd</c> on loopback. Goals: throughput at least 0.5× the baseline; echo p50 under 5 ms.
/// </summary>
public sealed class RelayForwardScenario : IBenchmarkScenario
{
    const int Rounds = 3;

    public string Name => "relay-forward";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        if (!OpenSshForward.Available(out string? reason)) throw new InvalidOperationException($"the baseline cannot run: {reason}");
        long payload = (context.Quick ? 20L : 100L) * 1024 * 1024;
        int echoes = context.Quick ? 300 : 1000;
        await using var targets = new LoopbackTargets();

        // The agent as time-to-ready runs it: the AOT build of the current source, published once per bench run.
        string agentPath = await AgentBuilds.NativeAsync(context.RepoRoot, cancellationToken);
        await using var host = await BenchLocalHost.StartAsync(context, null, new Dictionary<string, string?> { ["Coder:Local:AgentPath"] = agentPath }, cancellationToken);
        const string workspace = "relay";
        string workspaceId = await StartWorkspaceAsync(host.Api, workspace, cancellationToken);
        int relaySink = FreePorts.Next(), relayEcho = FreePorts.Next(), sshSink = FreePorts.Next(), sshEcho = FreePorts.Next();
        using var forward = StartPortForward(context, host, workspace, [(relaySink, targets.SinkPort), (relayEcho, targets.EchoPort)]);
        await OpenSshForward.WaitListeningAsync(relaySink, forward, cancellationToken);
        await OpenSshForward.WaitListeningAsync(relayEcho, forward, cancellationToken);
        await using var ssh = await OpenSshForward.StartAsync(Path.Combine(context.ScratchDirectory, "openssh-" + Guid.NewGuid().ToString("N")[..6]),
            [(sshSink, targets.SinkPort), (sshEcho, targets.EchoPort)], cancellationToken);

        // Warm both paths (JIT, relay connections, TCP windows), then alternate rounds so drift hits both alike.
        await UploadAsync(relaySink, 8 * 1024 * 1024, cancellationToken);
        await UploadAsync(sshSink, 8 * 1024 * 1024, cancellationToken);
        var relayRates = new List<double>();
        var sshRates = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            relayRates.Add(await UploadAsync(relaySink, payload, cancellationToken));
            sshRates.Add(await UploadAsync(sshSink, payload, cancellationToken));
        }

        var relayEchoes = await EchoAsync(relayEcho, echoes, cancellationToken);
        var sshEchoes = await EchoAsync(sshEcho, echoes, cancellationToken);
        forward.Kill(entireProcessTree: true);
        await DeleteWorkspaceAsync(host.Api, workspaceId, cancellationToken); // its agent must not outlive the bench

        double rate = Percentiles.Of(relayRates, 50), baseRate = Percentiles.Of(sshRates, 50);
        double p50 = Percentiles.Of(relayEchoes, 50), baseP50 = Percentiles.Of(sshEchoes, 50);
        double p99 = Percentiles.Of(relayEchoes, 99), baseP99 = Percentiles.Of(sshEchoes, 99);
        const string baseline = "OpenSSH ssh -L via sshd on loopback";
        string size = $"{payload / 1024 / 1024} MiB";
        return
        [
            new(Name, $"port-forward upload throughput ({size}, median of {Rounds})", rate, "MiB/s", baseline, baseRate, rate / baseRate, "≥ 0.5×",
                Note: $"coder port-forward → relay process → agent → 127.0.0.1; rounds {string.Join(", ", relayRates.Select(r => r.ToString("0")))} vs {string.Join(", ", sshRates.Select(r => r.ToString("0")))}",
                Passed: rate / baseRate >= 0.5),
            new(Name, $"1-byte echo round trip p50 ({echoes})", p50, "ms", baseline, baseP50, baseP50 / p50, "p50 < 5 ms", Passed: p50 < 5),
            new(Name, $"1-byte echo round trip p99 ({echoes})", p99, "ms", baseline, baseP99, baseP99 / p99, null),
        ];
    }

    static async Task<string> StartWorkspaceAsync(HttpClient api, string name, CancellationToken cancellationToken)
    {
        var template = new JsonObject
        {
            ["name"] = "relay-bench",
            ["provisioner"] = "local",
            ["resources"] = new JsonObject { ["cpu"] = 1, ["memoryMiB"] = 512 },
            ["limits"] = new JsonObject { ["maxCpu"] = 2, ["maxMemoryMiB"] = 1024, ["maxReplicas"] = 1 },
        };
        using (var response = await api.PostAsJsonAsync("/api/templates", template, cancellationToken))
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"template: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        string id = await BenchApi.CreateWorkspaceAsync(api, name, "relay-bench", cancellationToken);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        string? status;
        while ((status = await BenchApi.StatusAsync(api, id, cancellationToken)) is not ("running" or "failed"))
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"workspace {id} is still {status} after 2 minutes");
            await Task.Delay(100, cancellationToken); // poll interval of a wait bounded by its deadline
        }

        return status == "running" ? id : throw new InvalidOperationException($"workspace {id} failed: {await api.GetStringAsync($"/api/workspaces/{id}/events", cancellationToken)}");
    }

    static async Task DeleteWorkspaceAsync(HttpClient api, string id, CancellationToken cancellationToken)
    {
        await BenchApi.DeleteWorkspaceAsync(api, id, cancellationToken);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        while (DateTimeOffset.UtcNow < deadline)
        {
            using var response = await api.GetAsync($"/api/workspaces/{id}", cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return;
            await Task.Delay(100, cancellationToken); // poll interval of a wait bounded by its deadline
        }

        throw new TimeoutException($"workspace {id} was not deleted within a minute");
    }

    static Process StartPortForward(BenchmarkContext context, BenchLocalHost host, string workspace, IReadOnlyList<(int Local, int Remote)> forwards)
    {
        string cli = Path.Combine(context.RepoRoot, "src", "Coder.Cli", "bin", "Release", "net10.0", "coder.dll");
        if (!File.Exists(cli)) throw new FileNotFoundException($"The CLI is not built: {cli} (dotnet build -c Release src/Coder.Cli)", cli);
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(cli);
        psi.ArgumentList.Add("port-forward");
        psi.ArgumentList.Add(workspace);
        foreach (var (local, remote) in forwards)
        {
            psi.ArgumentList.Add("--tcp");
            psi.ArgumentList.Add($"127.0.0.1:{local}:{remote}");
        }

        psi.Environment["CODER_URL"] = host.Api.BaseAddress!.ToString().TrimEnd('/');
        psi.Environment["CODER_TOKEN"] = BenchLocalHost.AdminToken;
        psi.Environment["HOME"] = Path.Combine(context.ScratchDirectory, "cli-home");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("coder port-forward did not start");
        // Its per-connection lines go nowhere: reading them keeps the pipe from filling.
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    /// <returns>MiB/s from the first byte sent to the sink's answer that it has them all.</returns>
    static async Task<double> UploadAsync(int port, long bytes, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        var stream = client.GetStream();
        byte[] chunk = new byte[256 * 1024];
        Random.Shared.NextBytes(chunk);
        var started = Stopwatch.StartNew();
        byte[] header = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(header, bytes);
        await stream.WriteAsync(header, cancellationToken);
        for (long sent = 0; sent < bytes; sent += chunk.Length) await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - sent)), cancellationToken);
        byte[] ack = new byte[1];
        await stream.ReadExactlyAsync(ack, cancellationToken);
        return bytes / 1024.0 / 1024.0 / started.Elapsed.TotalSeconds;
    }

    /// <returns>Round-trip times in ms of one byte each, after 50 unmeasured ones.</returns>
    static async Task<List<double>> EchoAsync(int port, int count, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        var stream = client.GetStream();
        byte[] one = [42];
        byte[] back = new byte[1];
        var times = new List<double>(count);
        for (int i = -50; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await stream.WriteAsync(one, cancellationToken);
            await stream.ReadExactlyAsync(back, cancellationToken);
            if (i >= 0) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return times;
    }
}
