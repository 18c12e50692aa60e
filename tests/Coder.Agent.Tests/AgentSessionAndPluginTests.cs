using System.Text.Json;
using Coder.Agent.Tests.Infrastructure;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Tests;

/// <summary>The control socket with the agent's own CLI verb, and plugins that work, crash or hang.</summary>
public sealed class AgentSessionAndPluginTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SessionCli_OpensAndClosesSessions_ReportedAsSessionEventsAndMetrics()
    {
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "v1", heartbeatSeconds: 30, metricsSeconds: 600));
        await harness.WaitForAsync(_ => harness.Queue.Lifecycle().Contains(AgentLifecycle.Ready), Deadline, "ready");

        var open = await RunCliAsync(harness, "session", "open", "editor-1");
        var status = await RunCliAsync(harness, "session", "status");
        var close = await RunCliAsync(harness, "session", "close", "editor-1");
        var closeUnknown = await RunCliAsync(harness, "session", "close", "editor-1");

        Assert.Equal((0, "ok id=editor-1 sessions=1"), open);
        Assert.Equal(0, status.ExitCode);
        Assert.StartsWith("ok sessions=1 lastActivity=20", status.Output, StringComparison.Ordinal);
        Assert.Equal((0, "ok id=editor-1 sessions=0"), close);
        Assert.Equal(2, closeUnknown.ExitCode);
        await harness.WaitForAsync(_ => harness.Queue.Payloads(AgentEventTypes.Session, CoderJsonContext.Default.SessionPayload).Count() >= 2, Deadline, "session events");
        var sessions = harness.Queue.Payloads(AgentEventTypes.Session, CoderJsonContext.Default.SessionPayload).ToList();
        Assert.Equal([("open", 1), ("close", 0)], sessions.Select(s => (s.Change, s.ActiveSessions)));
        Assert.All(sessions, s => Assert.NotNull(s.LastActivityAt));

        // Each names its session, so the control plane can say which one kept the workspace running.
        Assert.All(sessions, s => Assert.Equal(("editor-1", "local"), (s.SessionId, s.SessionKind)));
    }

    [Fact]
    public async Task DrainHintInManifest_IsAnsweredOncePerId_AndShownOnTheSocketUntilCleared()
    {
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "v1", heartbeatSeconds: 1, metricsSeconds: 600));
        await harness.WaitForAsync(_ => harness.Queue.Lifecycle().Contains(AgentLifecycle.Ready), Deadline, "ready");
        Assert.Equal(0, (await RunCliAsync(harness, "session", "open", "editor-1")).ExitCode);
        List<DrainPayload> Drains() => [.. harness.Queue.Payloads(AgentEventTypes.Drain, CoderJsonContext.Default.DrainPayload)];

        harness.Manifest.Manifest = harness.Manifest.Manifest with { ConfigVersion = "v2", Drain = new AgentDrainHint("op-1", "scale") };
        await harness.WaitForAsync(_ => Drains().Count >= 1, Deadline, "the drain answer");
        Assert.EndsWith("draining=scale", (await RunCliAsync(harness, "session", "status")).Output, StringComparison.Ordinal);

        // The same hint under a new config version is not answered twice; a new hint id is.
        harness.Manifest.Manifest = harness.Manifest.Manifest with { ConfigVersion = "v3" };
        await harness.WaitForAsync(_ => harness.Queue.Payloads(AgentEventTypes.Heartbeat, CoderJsonContext.Default.HeartbeatPayload).Any(b => b.ConfigVersion == "v3"),
            Deadline, "a heartbeat on v3");
        harness.Manifest.Manifest = harness.Manifest.Manifest with { ConfigVersion = "v4", Drain = new AgentDrainHint("op-2", "scale") };
        await harness.WaitForAsync(_ => Drains().Count >= 2, Deadline, "the second drain answer");
        Assert.Equal([("op-1", 1), ("op-2", 1)], Drains().Select(d => (d.DrainId, d.ActiveSessions)));

        harness.Manifest.Manifest = harness.Manifest.Manifest with { ConfigVersion = "v5", Drain = null };
        await harness.WaitForAsync(_ => harness.Queue.Payloads(AgentEventTypes.Heartbeat, CoderJsonContext.Default.HeartbeatPayload).Any(b => b.ConfigVersion == "v5"),
            Deadline, "a heartbeat on v5");
        Assert.DoesNotContain("draining", (await RunCliAsync(harness, "session", "status")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugins_ReportMetricsAndMetadata_CrashingAndHangingOnesAreReported_AndNeverBlockTheAgent()
    {
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "v1", heartbeatSeconds: 1, metricsSeconds: 1,
            plugins:
            [
                new AgentPlugin("good", "good.sh", IntervalSeconds: 1, TimeoutSeconds: 5),
                new AgentPlugin("crash", "crash.sh", IntervalSeconds: 1, TimeoutSeconds: 5),
                new AgentPlugin("hang", "hang.sh", IntervalSeconds: 1, TimeoutSeconds: 1),
            ]), start: false);
        string plugins = Path.Combine(harness.Options.WorkspaceDirectory, ".coder", "plugins");
        Directory.CreateDirectory(plugins);
        WritePlugin(plugins, "good.sh", "echo '{\"metrics\":{\"builds\":3.5},\"metadata\":{\"branch\":\"main\"}}'");
        WritePlugin(plugins, "crash.sh", "echo 'plugin broke' >&2; exit 7");
        WritePlugin(plugins, "hang.sh", "sleep 60");
        harness.StartAgent();

        List<CustomPayload> Custom() => [.. harness.Queue.Payloads(AgentEventTypes.Custom, CoderJsonContext.Default.CustomPayload)];
        await harness.WaitForAsync(_ => Custom().Any(c => c is { Kind: CustomEventKinds.PluginFailed, Source: "hang" })
            && harness.Queue.Payloads(AgentEventTypes.Metrics, CoderJsonContext.Default.MetricsPayload).Any(m => m.Custom?.ContainsKey("good.builds") == true),
            Deadline, "plugin results");
        long firstFailure = harness.Queue.Received.First(e => e.Type == AgentEventTypes.Custom
            && e.Payload.Deserialize(CoderJsonContext.Default.CustomPayload)!.Kind == CustomEventKinds.PluginFailed).Seq;
        await harness.WaitForAsync(r => r.Count(e => e.Type == AgentEventTypes.Heartbeat && e.Seq > firstFailure) >= 3, Deadline, "heartbeats after plugin failures");

        var custom = Custom();
        Assert.Contains(custom, c => c is { Kind: CustomEventKinds.PluginMetadata, Source: "good" } && c.Metadata!["branch"] == "main");
        Assert.Single(custom, c => c.Kind == CustomEventKinds.PluginMetadata); // unchanged metadata is not repeated
        var crash = custom.First(c => c is { Kind: CustomEventKinds.PluginFailed, Source: "crash" });
        Assert.Contains("exited with code 7", crash.Message);
        Assert.Contains("plugin broke", crash.Metadata!["stderr"]);
        Assert.Contains("timed out", custom.First(c => c is { Kind: CustomEventKinds.PluginFailed, Source: "hang" }).Message);
        Assert.Contains(harness.Queue.Payloads(AgentEventTypes.Metrics, CoderJsonContext.Default.MetricsPayload), m => m.Custom?.GetValueOrDefault("good.builds") == 3.5);
        Assert.Contains(AgentLifecycle.Ready, harness.Queue.Lifecycle());
    }

    static void WritePlugin(string directory, string name, string body)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    static async Task<(int ExitCode, string Output)> RunCliAsync(AgentHarness harness, params string[] arguments)
    {
        var info = AgentBinary.StartInfo([.. arguments, "--socket", Path.Combine(harness.Options.StateDirectory, "agent.sock")]);
        using var cli = System.Diagnostics.Process.Start(info)!;
        string output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync().WaitAsync(Deadline);
        return (cli.ExitCode, output.Trim());
    }
}
