using Coder.Agent.Connect;
using Coder.Connect.Protocol;
using Coder.Agent.Outbox;
using Coder.Agent.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Agent.Tests.Connect;

/// <summary>An agent-side connection over an in-memory stream pair, with a real session tracker and a temporary home.</summary>
sealed class MuxHarness : IAsyncDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("coder-connect-").FullName;
    readonly EventOutbox _outbox;
    readonly Task _serving;
    readonly DuplexStream _agentStream;

    public MuxHarness(int? maxSessions = null)
    {
        Home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        _outbox = EventOutbox.Open(Path.Combine(_root, "state"), "ws", "agent", 10_000, TimeProvider.System, NullLogger.Instance);
        Tracker = new SessionTracker(_outbox, TimeProvider.System);
        var options = new MuxOptions { WorkspaceDirectory = Home };
        if (maxSessions is { } max) options = options with { MaxSessionsPerConnection = max };
        var (client, agent) = DuplexStream.CreatePair();
        _agentStream = agent;
        _serving = new MuxConnection(agent, options, Tracker, NullLogger.Instance).RunAsync(CancellationToken.None);
        Client = new MuxTestClient(client);
    }

    public string Home { get; }
    public SessionTracker Tracker { get; }
    public MuxTestClient Client { get; }

    /// <summary>Ends the connection as a dropped relay would and waits until the agent has ended its sessions.</summary>
    public async Task DisconnectAsync()
    {
        await Client.DisposeAsync();
        await _serving.WaitAsync(TimeSpan.FromSeconds(10));
        await _agentStream.DisposeAsync();
        await Client.ReadingEndedAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync();
        _outbox.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
