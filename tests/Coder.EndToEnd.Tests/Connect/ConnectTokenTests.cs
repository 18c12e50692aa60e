using System.Net;
using System.Text.Json;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;
using Coder.Local.Relay;
using Coder.Relay.Protocol;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary>
/// The control plane's side of the way in, against the host's real relay process: connect tokens for exactly one
/// replica's path, only for the owner or an admin and only while the workspace runs; listen tokens only for the agent
/// token's own workspace; every connect audited without its token.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class ConnectTokenTests(SecurityHost fixture)
{
    static readonly TimeSpan Running = TimeSpan.FromSeconds(90);

    Uri Relay => new(fixture.Host.Relay?.Url ?? throw new InvalidOperationException("The host recorded no relay."));

    [Fact]
    public async Task Owner_GetsASendTokenForExactlyItsPath_TheRelayTakesItToConnectButNotToListen_OthersGet404_StoppedIs409()
    {
        using var admin = fixture.Api("root");
        using var alice = fixture.Api("alice");
        using var bob = fixture.Api("bob");
        string template = "conn-" + Guid.NewGuid().ToString("N")[..6];
        await admin.CreateTemplateAsync(Templates.Local(template, heartbeatSeconds: 2));
        string name = "c" + Guid.NewGuid().ToString("N")[..6];
        string id = await alice.CreateWorkspaceAsync(name, template);
        try
        {
            await alice.WaitForStatusAsync(id, "running", Running);
            string path = $"ws-{id}-0";

            // The agent's listen token: its own path, from its own agent token.
            using var agent = new CoderApi(fixture.Host.BaseUrl, await fixture.AgentTokenOfAsync(id));
            var listen = await agent.PostAsync("/api/agent/relay-token", """{"replica":0}""");
            Assert.Equal(HttpStatusCode.OK, listen.Status);
            Assert.Equal(path, (string?)listen.Json["path"]);
            await using var listener = new HybridConnectionListener(Relay, path, Fixed((string)listen.Json["token"]!));
            await listener.OpenAsync(CancellationToken.None);

            var connect = await alice.PostAsync($"/api/workspaces/{id}/connect", "{}");
            Assert.Equal(HttpStatusCode.OK, connect.Status);
            var body = connect.Json;
            Assert.Equal(path, (string?)body["path"]);
            Assert.Equal(id, (string?)body["workspaceId"]);
            Assert.Equal(0, (int)body["replica"]!);
            Assert.Equal(16, (int)body["maxConnections"]!); // the agent's cap as its manifest has it, by default
            Assert.Equal(Relay.ToString().TrimEnd('/').Replace("http://", "ws://", StringComparison.Ordinal), (string?)body["relayUrl"]);
            Assert.True(Guid.TryParse((string?)body["sessionId"], out _));
            string token = (string)body["token"]!;
            var parsed = RelaySasToken.Parse(token)!;
            Assert.Equal($"/{path}", new Uri(parsed.Resource).AbsolutePath);
            Assert.Equal(Relay.Authority, new Uri(parsed.Resource).Authority);
            Assert.InRange(parsed.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(125));
            Assert.Equal(parsed.ExpiresAt, DateTimeOffset.Parse((string)body["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture));

            // The relay takes it to connect (the listener gets the stream) ...
            var (stream, accepted) = await ConnectThroughAsync(listener, path, token);
            await using (stream)
            await using (accepted)
            {
                await stream.WriteAsync("hi"u8.ToArray());
                var read = new byte[2];
                await accepted!.ReadExactlyAsync(read);
                Assert.Equal("hi"u8.ToArray(), read);
            }

            // ... but not to listen as the workspace, nor to reach another path.
            await using (var impostor = new HybridConnectionListener(Relay, path, Fixed(token)))
                Assert.Equal(403, (await Assert.ThrowsAsync<HybridConnectionException>(() => impostor.OpenAsync(CancellationToken.None))).StatusCode);
            var elsewhere = await Assert.ThrowsAsync<HybridConnectionException>(() => new HybridConnectionClient(Relay, $"ws-{fixture.BobWorkspace}-0", Fixed(token)).CreateConnectionAsync(CancellationToken.None));
            Assert.Equal(403, elsewhere.StatusCode);

            // Someone else's workspace is not there; an admin may connect; a replica it lacks is bad input.
            var other = await bob.PostAsync($"/api/workspaces/{id}/connect", "{}");
            Assert.Equal(HttpStatusCode.NotFound, other.Status);
            Assert.Equal("application/problem+json", other.ContentType);
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/workspaces/{id}/connect", """{"replica":0}""")).Status);
            var replica = await alice.PostAsync($"/api/workspaces/{id}/connect", """{"replica":1}""");
            Assert.Equal(HttpStatusCode.BadRequest, replica.Status);
            Assert.NotNull(replica.Json["errors"]!["replica"]);

            // Audited as workspace.connect with its session and replica, and no token anywhere in the audit.
            string sessionId = (string)body["sessionId"]!;
            var audit = await admin.GetAsync("/api/audit?max=1000");
            var row = audit.Json["items"]!.AsArray().Single(r => ((string?)r!["detail"])?.Contains(sessionId, StringComparison.Ordinal) == true)!;
            Assert.Equal("workspace.connect", (string?)row["action"]);
            Assert.Equal("user:alice", (string?)row["actor"]);
            Assert.Contains("replica=0", (string?)row["detail"], StringComparison.Ordinal);
            Assert.DoesNotContain(parsed.Signature, audit.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(JsonEncodedText.Encode(parsed.Signature).ToString(), audit.Body, StringComparison.Ordinal);

            // Nor in the host's output (at Information) or the relay's log.
            Assert.DoesNotContain("SharedAccessSignature", fixture.Host.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(parsed.Signature, fixture.Host.Output, StringComparison.Ordinal);
            string relayLog = await File.ReadAllTextAsync(Path.Combine(fixture.Host.DataDirectory, "relay", "relay.log"));
            Assert.DoesNotContain(parsed.Signature, relayLog, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(parsed.Signature), relayLog, StringComparison.Ordinal);

            // Stopped: a clear 409 that says what to do, not a token for a workspace nobody listens for.
            Assert.Equal(HttpStatusCode.Accepted, (await alice.PostAsync($"/api/workspaces/{id}/stop", "")).Status);
            await alice.WaitForStatusAsync(id, "stopped", Running);
            var stopped = await alice.PostAsync($"/api/workspaces/{id}/connect", "");
            Assert.Equal(HttpStatusCode.Conflict, stopped.Status);
            Assert.Equal($"workspace is stopped; `coder start {name}`", (string?)stopped.Json["detail"]);
        }
        finally
        {
            await alice.DeleteAsync($"/api/workspaces/{id}");
        }
    }

    [Fact]
    public async Task AnAgentToken_ListensOnlyOnItsOwnWorkspacesPaths_AndOnlyForReplicasItCovers()
    {
        using var agentA = new CoderApi(fixture.Host.BaseUrl, await fixture.AgentTokenOfAsync(fixture.AliceWorkspace));
        var own = await agentA.PostAsync("/api/agent/relay-token", """{"replica":0}""");
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal($"ws-{fixture.AliceWorkspace}-0", (string?)own.Json["path"]);
        string tokenA = (string)own.Json["token"]!;
        Assert.Equal($"/ws-{fixture.AliceWorkspace}-0", new Uri(RelaySasToken.Parse(tokenA)!.Resource).AbsolutePath);
        Assert.InRange(RelaySasToken.Parse(tokenA)!.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));

        // A's token cannot make B's listener, at the relay ...
        await using (var asB = new HybridConnectionListener(Relay, $"ws-{fixture.BobWorkspace}-0", Fixed(tokenA)))
            Assert.Equal(403, (await Assert.ThrowsAsync<HybridConnectionException>(() => asB.OpenAsync(CancellationToken.None))).StatusCode);

        // ... nor get a token for a replica its build does not have; and no body means replica 0.
        var beyond = await agentA.PostAsync("/api/agent/relay-token", """{"replica":1}""");
        Assert.Equal(HttpStatusCode.BadRequest, beyond.Status);
        Assert.NotNull(beyond.Json["errors"]!["replica"]);
        Assert.Equal($"ws-{fixture.AliceWorkspace}-0", (string?)(await agentA.PostAsync("/api/agent/relay-token", "")).Json["path"]);

        // The manifest tells the agent to listen, and where.
        var connect = (await agentA.GetAsync("/api/agent/manifest")).Json["connect"]!;
        Assert.Equal((string?)own.Json["relayUrl"], (string?)connect["relayUrl"]);
        Assert.Equal($"ws-{fixture.AliceWorkspace}-0", (string?)connect["path"]);
        Assert.Equal((32, 16), ((int)connect["maxSessionsPerConnection"]!, (int)connect["maxConnections"]!));

        // An API token is no agent token, and no token is none.
        using var alice = fixture.Api("alice");
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.PostAsync("/api/agent/relay-token", "{}")).Status);
    }

    [Fact]
    public async Task AnExpiredConnectToken_IsRefusedByTheRelay()
    {
        // The host's send key (keys.json, 0600, readable here as its owner): a connect token as the service signs it,
        // once with its lifetime gone and once still valid, for a path a listener holds.
        string path = $"ws-{fixture.AliceWorkspace}-0";
        using var agentA = new CoderApi(fixture.Host.BaseUrl, await fixture.AgentTokenOfAsync(fixture.AliceWorkspace));
        string listenToken = (string)(await agentA.PostAsync("/api/agent/relay-token", "{}")).Json["token"]!;
        await using var listener = new HybridConnectionListener(Relay, path, Fixed(listenToken));
        await listener.OpenAsync(CancellationToken.None);
        using var keys = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(fixture.Host.DataDirectory, "relay", "keys.json")));
        string sendKey = keys.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("name").GetString() == LocalRelay.SendKeyName).GetProperty("key").GetString()!;
        string resource = HybridConnectionProtocol.Resource(Relay, path);

        string expired = RelaySasToken.Create(resource, LocalRelay.SendKeyName, sendKey, TimeSpan.FromMinutes(-3), TimeProvider.System);
        var refused = await Assert.ThrowsAsync<HybridConnectionException>(() => new HybridConnectionClient(Relay, path, Fixed(expired)).CreateConnectionAsync(CancellationToken.None));
        Assert.Equal(401, refused.StatusCode);

        string valid = RelaySasToken.Create(resource, LocalRelay.SendKeyName, sendKey, TimeSpan.FromMinutes(2), TimeProvider.System);
        var (stream, accepted) = await ConnectThroughAsync(listener, path, valid);
        await stream.DisposeAsync();
        await accepted.DisposeAsync();
    }

    /// <summary>
    /// Connects with <paramref name="token"/> until this test's <paramref name="listener"/> gets the connection: the
    /// workspace's own agent listens on the same path, and the relay takes turns between the two.
    /// </summary>
    async Task<(Stream Sender, Stream Accepted)> ConnectThroughAsync(HybridConnectionListener listener, string path, string token)
    {
        var accepting = listener.AcceptConnectionAsync(CancellationToken.None);
        for (int attempt = 1; ; attempt++)
        {
            var stream = await new HybridConnectionClient(Relay, path, Fixed(token)).CreateConnectionAsync(CancellationToken.None);
            try
            {
                var accepted = await accepting.WaitAsync(TimeSpan.FromSeconds(attempt < 4 ? 2 : 30));
                return (stream, accepted ?? throw new InvalidOperationException("the listener closed"));
            }
            catch (TimeoutException) when (attempt < 4)
            {
                await stream.DisposeAsync(); // the agent took this one
            }
        }
    }

    static RelayTokenProvider Fixed(string token) => (_, _) => ValueTask.FromResult(token);
}
