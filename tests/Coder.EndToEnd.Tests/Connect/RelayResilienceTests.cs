using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Local.Relay;
using Coder.Local.Storage;
using Coder.Relay.Protocol;
using Xunit.Abstractions;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary>
/// The relay the local host runs beside it: sessions outlive a host restart, the agent comes back after the relay dies,
/// and the relay refuses a connect token past its expiry (issue #22 acceptance).
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class RelayResilienceTests(ConnectFixture fixture, ITestOutputHelper output)
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Restarting_the_host_keeps_an_open_ssh_session_and_a_port_forward()
    {
        await using var terminal = await InteractiveSshTests.OpenShellAsync(fixture);
        int forwardPort = FreePorts.Next();
        using var forward = new CliBackgroundProcess(fixture.Alice.Home, "port-forward", ConnectFixture.Workspace, "--tcp", $"127.0.0.1:{forwardPort}:{ConnectFixture.HttpPort}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{forwardPort}"), Timeout = TimeSpan.FromSeconds(20) };
        await Eventually.WaitAsync(async () => (await http.GetAsync("/marker.txt")).StatusCode, status => status == HttpStatusCode.OK, Deadline, "the page through the forward");
        int relayPid = fixture.Host.Relay!.Pid;

        await fixture.Host.KillAsync();
        await terminal.TypeAsync("echo while-down-$((2+2))");
        await terminal.SendKeysAsync("Enter");
        await terminal.WaitForScreenAsync(s => InteractiveSshTests.Lines(s).Contains("while-down-4"), Deadline, "the session to answer while the host is down");

        await fixture.Host.StartAsync();
        Assert.Equal(relayPid, fixture.Host.Relay!.Pid); // the restarted host reused the running relay
        await terminal.TypeAsync("echo after-restart-$((2+3))");
        await terminal.SendKeysAsync("Enter");
        await terminal.WaitForScreenAsync(s => InteractiveSshTests.Lines(s).Contains("after-restart-5"), Deadline, "the same session to answer after the restart");
        Assert.False(forward.HasExited, "port-forward ended with the host:\n" + forward);
        using var response = await http.GetAsync("/marker.txt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ConnectFixture.Marker + "\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task After_the_relay_dies_the_agent_listens_again_within_ten_seconds_and_a_new_ssh_works()
    {
        int relayPid = fixture.Host.Relay!.Pid;
        var killedAt = Stopwatch.StartNew();
        await LocalRelayFiles.KillAsync(fixture.Host.DataDirectory);

        // The host notices and starts another relay; the agent's listener reconnects with backoff.
        var result = await Eventually.WaitAsync(() => fixture.Alice.RunAsync(TimeSpan.FromSeconds(20), "ssh", ConnectFixture.Workspace, "--", "echo", "back"),
            r => r.ExitCode == 0, TimeSpan.FromSeconds(40), "a new coder ssh to work after the relay died", TimeSpan.FromMilliseconds(250));
        output.WriteLine($"a new coder ssh worked {killedAt.Elapsed.TotalSeconds:0.0} s after the relay was killed");
        Assert.Equal("back\n", result.Stdout);
        Assert.NotEqual(relayPid, fixture.Host.Relay!.Pid);
        // Within 10 s of the kill, plus one CLI start (about a second here) for the attempt that saw it.
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(12), $"the agent took {killedAt.Elapsed.TotalSeconds:0.0} s to come back");
    }

    [Fact]
    public async Task The_connect_token_is_short_lived_and_the_relay_refuses_it_once_expired()
    {
        using var alice = fixture.AliceApi();
        var minted = await alice.PostAsync($"/api/workspaces/{fixture.WorkspaceId}/connect", "{}");
        Assert.True(minted.Status == HttpStatusCode.OK, minted.ToString());
        var relay = new Uri(minted.Json["relayUrl"]!.GetValue<string>());
        string path = minted.Json["path"]!.GetValue<string>();
        string token = minted.Json["token"]!.GetValue<string>();
        var parsed = RelaySasToken.Parse(token)!;
        Assert.InRange(parsed.ExpiresAt, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(2).AddSeconds(5));
        Assert.Equal(HybridConnectionProtocol.Resource(relay, path), parsed.Resource);

        // The same token, as the relay sees it after its expiry: same resource and key, the expiry moved into the past
        // (re-signed with the host's relay key, since waiting out its real lifetime would take two minutes).
        var keys = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.Host.DataDirectory, "relay", "keys.json")))!["keys"]!.AsArray();
        var signer = keys.Single(k => (string?)k!["name"] == parsed.KeyName)!;
        string expired = RelaySasToken.Create(parsed.Resource, parsed.KeyName, signer["key"]!.GetValue<string>(), TimeSpan.FromSeconds(-30), TimeProvider.System);

        var refused = await Assert.ThrowsAsync<HybridConnectionException>(() => ConnectAsync(relay, path, expired));
        Assert.Equal(401, refused.StatusCode);
        await using var accepted = await ConnectAsync(relay, path, token);
        Assert.NotNull(accepted);
    }

    static Task<Stream> ConnectAsync(Uri relay, string path, string token) =>
        new HybridConnectionClient(relay, path, (_, _) => ValueTask.FromResult(token)).CreateConnectionAsync(CancellationToken.None);
}
