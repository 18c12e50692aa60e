using System.Text.Json;
using Coder.Agent.Tests.Infrastructure;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Tests;

/// <summary>Lifecycle, scripts and the manifest, with the agent as a real process sending to a real queue (Azurite).</summary>
public sealed class AgentLifecycleTests
{
    // Generous: on a loaded machine a JIT agent can take tens of seconds to start; a healthy run takes a few.
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Lifecycle_IsReportedInOrder_FromCreatedToOffOnSigterm()
    {
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "v1",
            scripts: [new ManifestScript("hello", "echo hello-from-startup", 10, BlocksReady: true)],
            shutdownScripts: [new ManifestScript("bye", "echo bye-from-shutdown", 10, BlocksReady: false)]));

        await harness.WaitForAsync(_ => harness.Queue.Lifecycle().Contains(AgentLifecycle.Ready), Deadline, "ready");
        harness.Agent!.Terminate();
        await harness.Agent.WaitForExitAsync(Deadline);
        var events = await harness.WaitForAsync(_ => harness.Queue.Lifecycle().Contains(AgentLifecycle.Off), Deadline, "off");

        Assert.Equal(0, harness.Agent.ExitCode);
        Assert.Equal([AgentLifecycle.Created, AgentLifecycle.Starting, AgentLifecycle.Ready, AgentLifecycle.ShuttingDown, AgentLifecycle.Off],
            harness.Queue.Lifecycle());
        Assert.Equal(events.Select(e => e.Seq).Order(), events.Select(e => e.Seq));
        long SeqOfLifecycle(AgentLifecycle state) => events.Single(e => e.Type == AgentEventTypes.Lifecycle
            && e.Payload.Deserialize(CoderJsonContext.Default.LifecyclePayload)!.State == state).Seq;
        long SeqOfScript(string name) => events.Single(e => e.Type == AgentEventTypes.Script
            && e.Payload.Deserialize(CoderJsonContext.Default.ScriptPayload)!.Name == name).Seq;
        Assert.InRange(SeqOfScript("hello"), SeqOfLifecycle(AgentLifecycle.Starting), SeqOfLifecycle(AgentLifecycle.Ready));
        Assert.InRange(SeqOfScript("bye"), SeqOfLifecycle(AgentLifecycle.ShuttingDown), SeqOfLifecycle(AgentLifecycle.Off));
        var logs = harness.Queue.Payloads(AgentEventTypes.Log, CoderJsonContext.Default.LogPayload).ToList();
        Assert.Contains(logs, l => l.Source == "hello" && l.Lines.Contains("hello-from-startup"));
        Assert.Contains(logs, l => l.Source == "bye" && l.Lines.Contains("bye-from-shutdown"));
    }

    [Fact]
    public async Task FailingBlocksReadyScript_ReportsStartError_WithItsLogShipped()
    {
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "v1",
            scripts:
            [
                new ManifestScript("prep", "echo boom-out; echo boom-err >&2; exit 3", 10, BlocksReady: true),
                new ManifestScript("after", "echo never", 10, BlocksReady: false),
            ]));

        var events = await harness.WaitForAsync(_ => harness.Queue.Lifecycle().Contains(AgentLifecycle.StartError), Deadline, "start_error");

        Assert.DoesNotContain(AgentLifecycle.Ready, harness.Queue.Lifecycle());
        var error = events.Single(e => e.Type == AgentEventTypes.Lifecycle && e.Payload.Deserialize(CoderJsonContext.Default.LifecyclePayload)!.State == AgentLifecycle.StartError);
        Assert.Contains("exited with code 3", error.Payload.Deserialize(CoderJsonContext.Default.LifecyclePayload)!.Reason);
        var logs = events.Where(e => e.Type == AgentEventTypes.Log).ToList();
        Assert.All(logs, l => Assert.True(l.Seq < error.Seq, "the script's log is shipped before the outcome"));
        var payloads = logs.Select(l => l.Payload.Deserialize(CoderJsonContext.Default.LogPayload)!).ToList();
        Assert.Contains(payloads, l => l is { Source: "prep", Stream: "stdout" } && l.Lines.Contains("boom-out"));
        Assert.Contains(payloads, l => l is { Source: "prep", Stream: "stderr" } && l.Lines.Contains("boom-err"));
        var scripts = harness.Queue.Payloads(AgentEventTypes.Script, CoderJsonContext.Default.ScriptPayload).ToList();
        var prep = Assert.Single(scripts);
        Assert.Equal(("prep", 3, false, true), (prep.Name, prep.ExitCode!.Value, prep.TimedOut, prep.BlocksReady));
    }

    [Fact]
    public async Task BlocksReadyScriptOverItsTimeout_ReportsStartTimeout()
    {
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "v1",
            scripts: [new ManifestScript("slow", "echo slow-started; sleep 30", 1, BlocksReady: true)]));

        await harness.WaitForAsync(_ => harness.Queue.Lifecycle().Contains(AgentLifecycle.StartTimeout), Deadline, "start_timeout");

        Assert.Equal([AgentLifecycle.Created, AgentLifecycle.Starting, AgentLifecycle.StartTimeout], harness.Queue.Lifecycle());
        var script = Assert.Single(harness.Queue.Payloads(AgentEventTypes.Script, CoderJsonContext.Default.ScriptPayload));
        Assert.True(script.TimedOut);
        Assert.Null(script.ExitCode);
        Assert.InRange(script.DurationMs, 900, 15_000);
        Assert.Contains(harness.Queue.Payloads(AgentEventTypes.Log, CoderJsonContext.Default.LogPayload), l => l.Lines.Contains("slow-started"));
    }

    [Fact]
    public async Task HeartbeatSecondsChangeInManifest_TakesEffectWithoutRestart()
    {
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "v1", heartbeatSeconds: 4, metricsSeconds: 600));
        int pid = harness.Agent!.Pid;
        List<HeartbeatPayload> Beats() => [.. harness.Queue.Payloads(AgentEventTypes.Heartbeat, CoderJsonContext.Default.HeartbeatPayload)];
        await harness.WaitForAsync(_ => Beats().Count >= 2, Deadline, "two heartbeats at 4 s");

        harness.Manifest.Manifest = harness.Manifest.Manifest with { ConfigVersion = "v2", Intervals = new AgentIntervals(1, 600) };
        await harness.WaitForAsync(_ => Beats().Count(b => b.ConfigVersion == "v2") >= 5, Deadline, "five heartbeats on manifest v2");

        Assert.Equal(pid, harness.Agent.Pid);
        Assert.False(harness.Agent.HasExited);
        var beats = harness.Queue.Received.Where(e => e.Type == AgentEventTypes.Heartbeat)
            .Select(e => (e.SentAt, e.Payload.Deserialize(CoderJsonContext.Default.HeartbeatPayload)!.ConfigVersion)).ToList();
        var gaps = beats.Zip(beats.Skip(1), (a, b) => (Seconds: (b.SentAt - a.SentAt).TotalSeconds, Version: b.ConfigVersion)).ToList();
        Assert.All(gaps.Where(g => g.Version == "v1"), g => Assert.InRange(g.Seconds, 3.5, 8));
        Assert.All(gaps.Where(g => g.Version == "v2").Skip(1), g => Assert.InRange(g.Seconds, 0.5, 2.5));
        Assert.Equal(2, harness.Manifest.Fetches);
    }
}
