using Coder.Contracts.Connect;
using Coder.Agent.Connect;
using Coder.Agent.Tests.Infrastructure;
using Coder.Connect.Protocol;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Relay.Protocol;

namespace Coder.Agent.Tests.Connect;

/// <summary>The published agent as a real process: its manifest carries <c>connect</c>, and a user reaches it through the real relay.</summary>
public sealed class AgentRelayProcessTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_agent_listens_where_its_manifest_says_with_a_token_from_the_control_plane_and_runs_commands_in_the_home()
    {
        var (relay, keyFile) = await RelayedAgent.StartRelayAsync();
        try
        {
            string path = "";
            await using var harness = await AgentHarness.StartAsync(ws =>
            {
                path = $"ws-{ws}-0";
                return ManifestEndpoint.Create(ws, "v1", heartbeatSeconds: 1, metricsSeconds: 600, scripts: [new ManifestScript("marker", "echo from-startup > marker.txt", 30, true)]) with
                {
                    Connect = new AgentConnectSettings(relay.Address.ToString().TrimEnd('/'), path),
                };
            }, start: false);
            harness.Manifest.RelayTokens = replica => replica == 0 ? RelayedAgent.ListenToken(relay.Address, path) : null;
            harness.StartAgent();

            IEnumerable<AgentConnectStatus> Reported() =>
                harness.Queue.Payloads(AgentEventTypes.Session, CoderJsonContext.Default.SessionPayload).Select(s => s.Connect).OfType<AgentConnectStatus>();
            await harness.WaitForAsync(_ => Reported().Any(s => s.Listening) && harness.Queue.Lifecycle().Contains(AgentLifecycle.Ready), Deadline,
                "the agent to report it listens on the relay, and ready");
            Assert.Equal(SshServer.Locate(), Reported().Last().Sshd);

            var sender = new HybridConnectionClient(relay.Address, path, RelayedAgent.Keys.Send());
            await using var client = new MuxTestClient(await sender.CreateConnectionAsync(CancellationToken.None));
            var exec = await client.OpenAsync(1, new OpenSessionRequest("exec", ["sh", "-c", "cat marker.txt; echo err >&2; exit 7"]));
            Assert.Equal(7, await exec.ExitCode.Task.WaitAsync(Deadline));
            await exec.Closed.Task.WaitAsync(Deadline);
            Assert.Equal("from-startup\n", exec.Stdout);
            Assert.Equal("err\n", exec.Stderr);
            Assert.Equal(1, harness.Manifest.RelayTokensIssued);

            // A user's command sees none of the agent's secrets (the agent runs with CODER_AGENT_TOKEN set).
            var env = await client.OpenAsync(2, new OpenSessionRequest("exec", ["sh", "-c", "echo token=${CODER_AGENT_TOKEN:-none}"]));
            Assert.Equal(0, await env.ExitCode.Task.WaitAsync(Deadline));
            Assert.Equal("token=none\n", env.Stdout);
            Assert.DoesNotContain("SharedAccessSignature", harness.Agent!.Log, StringComparison.Ordinal);
            Assert.DoesNotContain("sig=", harness.Agent.Log, StringComparison.Ordinal);

            // A manifest change that leaves connect alone keeps the connection; one that drops connect stops the listener.
            harness.Manifest.Manifest = harness.Manifest.Manifest with { ConfigVersion = "v2", Intervals = new AgentIntervals(2, 600) };
            await harness.WaitForAsync(_ => harness.Queue.Payloads(AgentEventTypes.Heartbeat, CoderJsonContext.Default.HeartbeatPayload).Any(b => b.ConfigVersion == "v2"),
                Deadline, "a heartbeat on v2");
            var again = await client.OpenAsync(3, new OpenSessionRequest("exec", ["true"]));
            Assert.Equal(0, await again.ExitCode.Task.WaitAsync(Deadline));

            harness.Manifest.Manifest = harness.Manifest.Manifest with { ConfigVersion = "v3", Connect = null };
            await harness.WaitForAsync(_ => !Reported().Last().Listening, Deadline, "the agent to stop listening when connect is gone");
            Assert.Equal([false, true, false], Reported().Select(s => s.Listening));
        }
        finally
        {
            await relay.DisposeAsync();
            Directory.Delete(Path.GetDirectoryName(keyFile)!, recursive: true);
        }
    }
}
