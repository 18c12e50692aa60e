using Coder.Contracts.Connect;
using System.Text.Json;
using Coder.Agent.Connect;
using Coder.Agent.Outbox;
using Coder.Agent.Sessions;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Relay.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Agent.Tests.Connect;

/// <summary>
/// A real Coder.Relay process and the agent's relay listener (<see cref="RelayConnectServer"/>) on a workspace replica's
/// path, with its tokens minted as the control plane mints them (Listen on exactly that path), a real session tracker and
/// a temporary home. Users connect as senders with a Send token and speak mux (<see cref="MuxTestClient"/>).
/// </summary>
sealed class RelayedAgent : IAsyncDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("coder-relayed-").FullName;
    readonly string _keyFile;
    readonly EventOutbox _outbox;
    readonly CancellationTokenSource _stop = new();
    readonly Task _running;
    int _tokensFetched;

    RelayedAgent(RelayProcess relay, string keyFile, int maxConnections, int refusedTokens)
    {
        Relay = relay;
        _keyFile = keyFile;
        // The login user of the ssh test (another user when the tests run as root) reads the authorized keys under here.
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        Home = Directory.CreateDirectory(System.IO.Path.Combine(_root, "home")).FullName;
        StateDirectory = Directory.CreateDirectory(System.IO.Path.Combine(_root, "state")).FullName;
        _outbox = EventOutbox.Open(System.IO.Path.Combine(StateDirectory, "outbox"), "ws", "agent", 10_000, TimeProvider.System, NullLogger.Instance);
        Tracker = new SessionTracker(_outbox, TimeProvider.System);
        Ssh = new SshServer(SshServer.Locate(), StateDirectory, _ => Task.FromResult<IReadOnlyList<string>>(AuthorizedKeys));
        var tokens = new RelayTokenCache(_ =>
        {
            if (Interlocked.Increment(ref _tokensFetched) <= refusedTokens)
                throw new HttpRequestException("POST api/agent/relay-token answered 401.", null, System.Net.HttpStatusCode.Unauthorized);
            return Task.FromResult(ListenToken(Relay.Address, Path));
        }, TimeProvider.System);
        Server = new RelayConnectServer(Relay.Address, Path, maxConnections, new MuxOptions { WorkspaceDirectory = Home, Ssh = Ssh }, tokens.Provider, Tracker,
            TimeProvider.System, NullLogger.Instance, new HybridConnectionListenerOptions { MaxReconnectDelay = TimeSpan.FromSeconds(2) });
        _running = Server.RunAsync(_stop.Token);
    }

    public static RelayKeys Keys { get; } = new();

    public string Path { get; } = $"ws-{Guid.NewGuid():N}"[..15] + "-0";
    public RelayProcess Relay { get; private set; }
    public string Home { get; }
    public string StateDirectory { get; }
    public SessionTracker Tracker { get; }
    public SshServer Ssh { get; }
    public RelayConnectServer Server { get; }
    /// <summary>Token requests, refused ones included.</summary>
    public int TokensFetched => Volatile.Read(ref _tokensFetched);

    /// <summary>The owner's public keys, as <c>GET /api/agent/ssh-keys</c> answers them.</summary>
    public IReadOnlyList<string> AuthorizedKeys { get; set; } = [];

    /// <summary>A relay process with <see cref="Keys"/>; the caller deletes the key file's directory.</summary>
    public static async Task<(RelayProcess Relay, string KeyFile)> StartRelayAsync()
    {
        string keyFile = Keys.WriteKeyFile(Directory.CreateTempSubdirectory("coder-relay-keys-").FullName);
        var relay = RelayProcess.Start(keyFile, RelayProcess.FreePort());
        await relay.WaitHealthyAsync();
        return (relay, keyFile);
    }

    /// <summary>A Listen token for exactly <paramref name="path"/>, as <c>POST /api/agent/relay-token</c> mints it (one hour).</summary>
    public static RelayTokenResponse ListenToken(Uri relay, string path) =>
        new(relay.ToString(), path, RelaySasToken.Create(HybridConnectionProtocol.Resource(relay, path), RelayKeys.ListenKeyName, Keys.ListenKey, TimeSpan.FromHours(1),
            TimeProvider.System), TimeProvider.System.GetUtcNow().AddHours(1));

    /// <param name="refusedTokens">How many token requests the control plane refuses (401) before it answers.</param>
    public static async Task<RelayedAgent> StartAsync(int maxConnections = 16, int refusedTokens = 0)
    {
        var (relay, keyFile) = await StartRelayAsync();
        var agent = new RelayedAgent(relay, keyFile, maxConnections, refusedTokens);
        await agent.WaitListeningAsync(TimeSpan.FromSeconds(20));
        return agent;
    }

    /// <summary>Until the agent listens and has reported so: the report is queued just after the listener is up.</summary>
    public Task WaitListeningAsync(TimeSpan timeout) =>
        Eventually.WaitAsync(() => Server.IsListening && ReportedStatuses() is [.., { Listening: true }], timeout, $"the agent to listen on {Path} and report it");

    public async Task<MuxTestClient> ConnectAsync(string session = "test-session")
    {
        var client = new HybridConnectionClient(Relay.Address, Path, Keys.Send(), new Dictionary<string, string> { [RelayConnectServer.SessionHeader] = session });
        return new MuxTestClient(await client.CreateConnectionAsync(CancellationToken.None));
    }

    /// <summary>Kills the relay as a crash would and starts a new one on the same address.</summary>
    public async Task RestartRelayAsync()
    {
        await Relay.DisposeAsync();
        Relay = RelayProcess.Start(_keyFile, Relay.Port);
        await Relay.WaitHealthyAsync();
    }

    /// <summary>The <c>connect</c> statuses the agent reported as session events, oldest first.</summary>
    public IReadOnlyList<AgentConnectStatus> ReportedStatuses() =>
        _outbox.Peek(10_000)
            .Where(e => e.Type == AgentEventTypes.Session)
            .Select(e => e.Payload.Deserialize(CoderJsonContext.Default.SessionPayload)?.Connect)
            .OfType<AgentConnectStatus>()
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(20));
        await Relay.DisposeAsync();
        _outbox.Dispose();
        _stop.Dispose();
        Directory.Delete(_root, recursive: true);
        Directory.Delete(System.IO.Path.GetDirectoryName(_keyFile)!, recursive: true);
    }
}
