using Coder.Contracts.Connect;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Coder.Agent.Connect;
using Coder.Connect.Protocol;
using Coder.Relay.Protocol;
using Xunit.Abstractions;

namespace Coder.Agent.Tests.Connect;

/// <summary>
/// The agent's relay listener against the real Coder.Relay process: users connect as senders with a Send token for the
/// replica's path and speak mux, as the CLI does.
/// </summary>
public sealed class RelayListenerTests(ITestOutputHelper output)
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Exec_through_the_relay_keeps_stdout_stderr_and_the_exit_code_apart_and_tcp_forwards()
    {
        await using var agent = await RelayedAgent.StartAsync();
        Assert.Contains(agent.ReportedStatuses(), s => s is { Listening: true, Sshd: not null });
        await using var client = await agent.ConnectAsync();

        var exec = await client.OpenAsync(1, new OpenSessionRequest("exec", ["sh", "-c", "echo out; echo err >&2; pwd; exit 7"]));
        Assert.Equal(7, await exec.ExitCode.Task.WaitAsync(Deadline));
        await exec.Closed.Task.WaitAsync(Deadline);
        Assert.Equal($"out\n{agent.Home}\n", exec.Stdout);
        Assert.Equal("err\n", exec.Stderr);

        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var answering = Task.Run(async () =>
        {
            using var socket = await server.AcceptSocketAsync();
            byte[] buffer = new byte[4];
            int read = 0;
            while (read < 4) read += await socket.ReceiveAsync(buffer.AsMemory(read));
            await socket.SendAsync(Encoding.ASCII.GetBytes("pong:" + Encoding.ASCII.GetString(buffer)));
            socket.Shutdown(SocketShutdown.Both);
        });
        var tcp = await client.OpenAsync(2, new OpenSessionRequest("tcp", Port: ((IPEndPoint)server.LocalEndpoint).Port));
        await client.TypeAsync(2, "ping");
        await tcp.Closed.Task.WaitAsync(Deadline);
        await answering.WaitAsync(Deadline);
        Assert.Equal("pong:ping", tcp.Stdout);
    }

    [Fact]
    public async Task The_connection_over_the_cap_is_refused_with_429_and_a_description_the_cli_prints()
    {
        const int cap = 16;
        await using var agent = await RelayedAgent.StartAsync(cap);
        var clients = new List<MuxTestClient>();
        try
        {
            for (int i = 0; i < cap; i++) clients.Add(await agent.ConnectAsync($"session-{i}"));
            await Eventually.WaitAsync(() => agent.Server.ActiveConnections == cap, Deadline, "16 relayed connections");

            var refused = await Assert.ThrowsAsync<HybridConnectionException>(() => agent.ConnectAsync("one-too-many"));
            Assert.Equal(429, refused.StatusCode);
            // The description travels as the reason phrase of the sender's refused upgrade (ClientWebSocket does not expose it).
            Assert.Equal($"HTTP/1.1 429 {RelayConnectServer.Refusal(cap)}", await RefusedStatusLineAsync(agent));

            // A freed slot admits the next one, and the connections still open still work.
            await clients[0].DisposeAsync();
            clients.RemoveAt(0);
            await Eventually.WaitAsync(() => agent.Server.ActiveConnections == cap - 1, Deadline, "the closed connection to free its slot");
            clients.Add(await agent.ConnectAsync("after-a-close"));
            var exec = await clients[^1].OpenAsync(1, new OpenSessionRequest("exec", ["echo", "in"]));
            Assert.Equal(0, await exec.ExitCode.Task.WaitAsync(Deadline));
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_relay_killed_and_restarted_is_listened_on_again_within_10_seconds()
    {
        await using var agent = await RelayedAgent.StartAsync();
        await agent.Relay.KillAsync();
        await Eventually.WaitAsync(() => !agent.Server.IsListening, Deadline, "the agent to notice the relay is gone");

        long restarted = Stopwatch.GetTimestamp();
        await agent.RestartRelayAsync();
        await agent.WaitListeningAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"listening again {Stopwatch.GetElapsedTime(restarted).TotalMilliseconds:F0} ms after the relay was started again");

        await using var client = await agent.ConnectAsync();
        var exec = await client.OpenAsync(1, new OpenSessionRequest("exec", ["sh", "-c", "exit 3"]));
        Assert.Equal(3, await exec.ExitCode.Task.WaitAsync(Deadline));
        // Reported: listening, then not, then listening again; the token came from the cache, not a call per attempt.
        Assert.Equal([false, true, false, true], agent.ReportedStatuses().Select(s => s.Listening));
        Assert.Equal(1, agent.TokensFetched);
    }

    [Fact]
    public async Task Refused_tokens_are_retried_with_backoff_until_the_agent_listens()
    {
        await using var agent = await RelayedAgent.StartAsync(refusedTokens: 2);

        Assert.Equal(3, agent.TokensFetched);
        await using var client = await agent.ConnectAsync();
        var exec = await client.OpenAsync(1, new OpenSessionRequest("exec", ["true"]));
        Assert.Equal(0, await exec.ExitCode.Task.WaitAsync(Deadline));
    }

    [Fact]
    public async Task The_token_cache_reuses_a_token_for_reconnects_and_fetches_a_fresh_one_for_the_renewal()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-07T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        int fetched = 0;
        var cache = new RelayTokenCache(_ =>
        {
            int n = Interlocked.Increment(ref fetched);
            return Task.FromResult(new Coder.Contracts.Connect.RelayTokenResponse("ws://relay", "ws-a-0", $"token-{n}", clock.GetUtcNow().AddHours(1)));
        }, clock);

        Assert.Equal("token-1", await cache.GetAsync(CancellationToken.None));
        clock.Now += TimeSpan.FromMinutes(20); // a reconnect during an outage
        Assert.Equal("token-1", await cache.GetAsync(CancellationToken.None));
        clock.Now += TimeSpan.FromMinutes(10); // the listener's renewal, halfway through the token's life
        Assert.Equal("token-2", await cache.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Ssh_runs_a_command_through_sshd_with_the_owners_key_and_the_workspaces_kept_host_key()
    {
        if (SshServer.Locate() is null)
        {
            output.WriteLine("skipped: sshd is not installed on this machine (apt-get install openssh-server)");
            return;
        }

        await using var login = await LoginUser.CreateAsync();
        string user = login.Name;
        await using var agent = await RelayedAgent.StartAsync();
        string keys = Directory.CreateDirectory(Path.Combine(agent.StateDirectory, "..", "user")).FullName;
        string userKey = Path.Combine(keys, "id_ed25519");
        await LoginUser.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "user@laptop", "-f", userKey);
        agent.AuthorizedKeys = [await File.ReadAllTextAsync(userKey + ".pub")];
        await using var client = await agent.ConnectAsync();

        // The ssh client reaches the session through a local port, as `coder port-forward` or a ProxyCommand would carry it.
        using var bridge = new TcpListener(IPAddress.Loopback, 0);
        bridge.Start();
        int port = ((IPEndPoint)bridge.LocalEndpoint).Port;
        var bridging = BridgeAsync(bridge, client, 1);
        string knownHosts = Path.Combine(keys, "known_hosts");

        // The first session generates the host key; the client then trusts exactly that key.
        var ssh = SshAsync(user, userKey, port, Path.Combine(keys, "none"), "StrictHostKeyChecking=no", "echo hi");
        var (code, stdout, stderr) = await ssh;
        await bridging.WaitAsync(Deadline);
        Assert.True(code == 0, $"ssh exited {code}: {stderr}");
        Assert.Equal("hi\n", stdout);
        await File.WriteAllTextAsync(knownHosts, $"[127.0.0.1]:{port} {await File.ReadAllTextAsync(agent.Ssh.HostKeyPath + ".pub")}");

        var second = BridgeAsync(bridge, client, 3);
        (code, stdout, stderr) = await SshAsync(user, userKey, port, knownHosts, "StrictHostKeyChecking=yes", "echo again");
        await second.WaitAsync(Deadline);
        Assert.True(code == 0, $"ssh with the kept host key exited {code}: {stderr}");
        Assert.Equal("again\n", stdout);

        // A key the owner did not register is refused.
        agent.AuthorizedKeys = [];
        var third = BridgeAsync(bridge, client, 5);
        (code, _, _) = await SshAsync(user, userKey, port, knownHosts, "StrictHostKeyChecking=yes", "echo never");
        await third.WaitAsync(Deadline);
        Assert.NotEqual(0, code);
    }

    [Fact]
    public async Task Ssh_is_refused_with_a_reason_where_the_image_has_no_sshd()
    {
        string root = Directory.CreateTempSubdirectory("coder-nosshd-").FullName;
        try
        {
            var ssh = new SshServer(null, root, _ => Task.FromResult<IReadOnlyList<string>>([]));
            var (client, agentSide) = DuplexStream.CreatePair();
            var mux = new MuxConnection(agentSide, new MuxOptions { WorkspaceDirectory = root, Ssh = ssh },
                new Coder.Agent.Sessions.SessionTracker(Coder.Agent.Outbox.EventOutbox.Open(Path.Combine(root, "outbox"), "ws", "a", 100, TimeProvider.System,
                    Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance), TimeProvider.System),
                Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var serving = mux.RunAsync(CancellationToken.None);
            await using var user = new MuxTestClient(client);
            var session = await user.OpenAsync(1, new OpenSessionRequest("ssh"));
            Assert.Equal(SshServer.NotInstalled, await session.Error.Task.WaitAsync(Deadline));
            await user.DisposeAsync();
            await serving.WaitAsync(Deadline);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static async Task<string?> RefusedStatusLineAsync(RelayedAgent agent)
    {
        var relay = agent.Relay.Address;
        string token = await RelayedAgent.Keys.Send()(HybridConnectionProtocol.Resource(relay, agent.Path), CancellationToken.None);
        var address = HybridConnectionProtocol.Address(relay, agent.Path, HybridConnectionProtocol.ConnectAction, Guid.NewGuid().ToString("N"), token);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        string key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {address.PathAndQuery} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: Upgrade\r\n" +
            $"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n"));
        using var reader = new StreamReader(stream);
        return await reader.ReadLineAsync().WaitAsync(Deadline);
    }

    /// <summary>Accepts one TCP connection and carries it as ssh session <paramref name="id"/> on the mux connection.</summary>
    static async Task BridgeAsync(TcpListener bridge, MuxTestClient client, uint id)
    {
        using var socket = await bridge.AcceptSocketAsync();
        var session = client.Session(id);
        session.OnStdout = bytes => socket.Send(bytes);
        await client.OpenAsync(id, new OpenSessionRequest("ssh"));
        byte[] buffer = new byte[MuxFrameCodec.MaxDataChunk];
        var upstream = Task.Run(async () =>
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer)) > 0) await client.SendAsync(MuxFrame.Data(id, MuxChannel.Stdin, buffer.AsSpan(0, read)));
            await client.SendAsync(MuxFrame.Close(id));
        });
        await Task.WhenAny(session.Closed.Task, session.Error.Task);
        socket.Shutdown(SocketShutdown.Both);
        await upstream.WaitAsync(Deadline);
    }

    static async Task<(int Code, string Stdout, string Stderr)> SshAsync(string user, string key, int port, string knownHosts, string hostKeyChecking, string command)
    {
        var info = new ProcessStartInfo("ssh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string argument in (string[])["-F", "none", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", $"UserKnownHostsFile={knownHosts}",
                     "-o", hostKeyChecking, "-o", "ConnectTimeout=20", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     $"{user}@127.0.0.1", command])
            info.ArgumentList.Add(argument);
        using var ssh = Process.Start(info)!;
        ssh.StandardInput.Close();
        var stdout = ssh.StandardOutput.ReadToEndAsync();
        var stderr = ssh.StandardError.ReadToEndAsync();
        await ssh.WaitForExitAsync().WaitAsync(Deadline);
        return (ssh.ExitCode, await stdout, await stderr);
    }
}
