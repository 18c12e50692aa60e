using Coder.Relay.Protocol;
using Coder.Relay.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coder.Relay.Tests;

/// <summary>The relay as its own process with its default settings: a crash and restart, and a key file it must refuse.</summary>
public sealed class RelayProcessTests(ITestOutputHelper output) : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("coder-relay-").FullName;
    readonly RelayKeys _keys = new();

    [Fact]
    public async Task ListenerWhoseRelayDies_ReconnectsWithin10Seconds_AndServesANewSender()
    {
        string keyFile = _keys.WriteKeyFile(_directory);
        int port = RelayProcess.FreePort();
        var relay = RelayProcess.Start(keyFile, port);
        await relay.WaitHealthyAsync();
        const string path = "workspaces/ws-reconnect";
        await using var listener = new EchoListener(relay.Address, path, _keys.Listen());
        await listener.StartAsync();
        Assert.Equal(1, listener.Listener.ControlChannelsOpened);

        await relay.DisposeAsync();
        var dropped = TimeProvider.System.GetTimestamp();
        await using var restarted = RelayProcess.Start(keyFile, port);
        await restarted.WaitHealthyAsync();
        await Eventually.WaitAsync(() => listener.Listener.ControlChannelsOpened >= 2 && listener.Listener.IsOnline, TimeSpan.FromSeconds(10), "the listener's control channel to reopen");
        var reconnectedAfter = TimeProvider.System.GetElapsedTime(dropped);

        await using var stream = await new HybridConnectionClient(restarted.Address, path, _keys.Send()).CreateConnectionAsync(CancellationToken.None);
        byte[] message = "after the restart"u8.ToArray();
        await stream.WriteAsync(message);
        byte[] echoed = new byte[message.Length];
        await stream.ReadExactlyAsync(echoed);

        output.WriteLine($"control channel reopened {reconnectedAfter.TotalMilliseconds:0} ms after the relay died (restart included)");
        Assert.Equal(message, echoed);
        Assert.InRange(reconnectedAfter, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AKeyFileReadableByOthers_StopsTheRelayAtStart()
    {
        string keyFile = _keys.WriteKeyFile(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var relay = RelayProcess.Start(keyFile, RelayProcess.FreePort());

        int exitCode = await relay.WaitForExitAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Contains("chmod 600", relay.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_keys.ListenKey, relay.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
