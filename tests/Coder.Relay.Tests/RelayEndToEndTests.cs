using System.Security.Cryptography;
using Coder.Relay.Protocol;
using Coder.Relay.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coder.Relay.Tests;

/// <summary>
/// The real Coder.Relay process, a listener and senders through Coder.Relay.Protocol, over loopback WebSockets; the
/// statuses are those of https://learn.microsoft.com/azure/azure-relay/relay-hybrid-connections-protocol.
/// </summary>
public sealed class RelayEndToEndTests(RelayFixture fixture, ITestOutputHelper output) : IClassFixture<RelayFixture>
{
    const int TenMiB = 10 * 1024 * 1024;

    Uri Relay => fixture.Relay.Address;

    static string NewPath() => $"workspaces/{Guid.NewGuid():N}";

    HybridConnectionClient Sender(string path, RelayTokenProvider? tokens = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new(Relay, path, tokens ?? fixture.Keys.Send(), headers);

    [Fact]
    public async Task TenMiB_EchoesBothWays_WithTheSameSha256()
    {
        string path = NewPath();
        await using var listener = new EchoListener(Relay, path, fixture.Keys.Listen());
        await listener.StartAsync();
        byte[] payload = RandomNumberGenerator.GetBytes(TenMiB);

        long started = TimeProvider.System.GetTimestamp();
        await using var stream = await Sender(path).CreateConnectionAsync(CancellationToken.None);
        var writing = Task.Run(async () =>
        {
            for (int offset = 0; offset < payload.Length; offset += 64 * 1024)
                await stream.WriteAsync(payload.AsMemory(offset, Math.Min(64 * 1024, payload.Length - offset)));
        });
        byte[] echoed = await ReadExactlyAsync(stream, payload.Length);
        await writing;
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        output.WriteLine($"10 MiB echoed in {elapsed.TotalMilliseconds:0} ms ({2 * TenMiB / elapsed.TotalSeconds / (1 << 20):0} MiB/s through the relay, both directions)");

        Assert.Equal(Convert.ToHexString(SHA256.HashData(payload)), Convert.ToHexString(SHA256.HashData(echoed)));
    }

    [Fact]
    public async Task TwentyParallelConnections_AllEcho_SpreadRoundRobinOverTwoListeners()
    {
        string path = NewPath();
        await using var first = new EchoListener(Relay, path, fixture.Keys.Listen());
        await using var second = new EchoListener(Relay, path, fixture.Keys.Listen());
        await first.StartAsync();
        await second.StartAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            byte[] message = RandomNumberGenerator.GetBytes(32 * 1024 + i);
            await using var stream = await Sender(path).CreateConnectionAsync(CancellationToken.None);
            await stream.WriteAsync(message);
            byte[] echoed = await ReadExactlyAsync(stream, message.Length);
            return message.AsSpan().SequenceEqual(echoed);
        }));

        Assert.All(results, Assert.True);
        Assert.Equal((10, 10), (first.Accepted, second.Accepted));
    }

    [Fact]
    public async Task SenderWithATokenForAnotherPath_IsRefusedWith403()
    {
        string path = NewPath();
        await using var listener = new EchoListener(Relay, path, fixture.Keys.Listen());
        await listener.StartAsync();
        var forOtherPath = fixture.Keys.Send();

        var refused = await Assert.ThrowsAsync<HybridConnectionException>(() =>
            Sender(path, (_, ct) => forOtherPath(HybridConnectionProtocol.Resource(Relay, NewPath()), ct)).CreateConnectionAsync(CancellationToken.None));

        Assert.Equal(403, refused.StatusCode);
        Assert.Equal(0, listener.Accepted);
    }

    [Fact]
    public async Task ExpiredTokens_AreRefusedWith401_ForSenderAndListener()
    {
        string path = NewPath();
        await using var listener = new EchoListener(Relay, path, fixture.Keys.Listen());
        await listener.StartAsync();
        var anHourAgo = new ShiftedTimeProvider(TimeSpan.FromHours(-1));

        var sender = await Assert.ThrowsAsync<HybridConnectionException>(() => Sender(path, fixture.Keys.Send(anHourAgo)).CreateConnectionAsync(CancellationToken.None));
        await using var expiredListener = new HybridConnectionListener(Relay, path, fixture.Keys.Listen(anHourAgo));
        var listening = await Assert.ThrowsAsync<HybridConnectionException>(() => expiredListener.OpenAsync(CancellationToken.None));

        Assert.Equal((401, 401), (sender.StatusCode, listening.StatusCode));
        Assert.Equal(0, listener.Accepted);
    }

    [Fact]
    public async Task ASendKey_CannotListen_AndAListenKeyCannotConnect()
    {
        string path = NewPath();
        await using var listener = new EchoListener(Relay, path, fixture.Keys.Listen());
        await listener.StartAsync();

        await using var withSendKey = new HybridConnectionListener(Relay, path, fixture.Keys.Send());
        var listening = await Assert.ThrowsAsync<HybridConnectionException>(() => withSendKey.OpenAsync(CancellationToken.None));
        var connecting = await Assert.ThrowsAsync<HybridConnectionException>(() => Sender(path, fixture.Keys.Listen()).CreateConnectionAsync(CancellationToken.None));

        Assert.Equal((403, 403), (listening.StatusCode, connecting.StatusCode));
    }

    [Fact]
    public async Task ConnectWithNoListener_Is404()
    {
        var refused = await Assert.ThrowsAsync<HybridConnectionException>(() => Sender(NewPath()).CreateConnectionAsync(CancellationToken.None));

        Assert.Equal(404, refused.StatusCode);
    }

    [Fact]
    public async Task ListenerRejection_ReachesTheSenderAsTheListenersStatus()
    {
        string path = NewPath();
        HybridConnectionAccept? offered = null;
        var options = new HybridConnectionListenerOptions
        {
            AcceptHandler = (accept, _) =>
            {
                offered = accept;
                return ValueTask.FromResult<HybridConnectionRejection?>(new HybridConnectionRejection(429, "too many sessions"));
            },
        };
        await using var listener = new EchoListener(Relay, path, fixture.Keys.Listen(), options);
        await listener.StartAsync();

        // A browser on the same host (the dashboard on another port) sends its cookies with the upgrade; they are the
        // user's session, not the agent's business.
        var sender = Sender(path, headers: new Dictionary<string, string> { ["X-Coder-Session"] = "shell", ["Cookie"] = "coder_session=secret" });
        var refused = await Assert.ThrowsAsync<HybridConnectionException>(() => sender.CreateConnectionAsync(CancellationToken.None));

        Assert.Equal(429, refused.StatusCode);
        Assert.Equal(0, listener.Accepted);
        Assert.NotNull(offered);
        Assert.Contains($"/$hc/{path}?sb-hc-action=accept&sb-hc-id={offered.Id}", offered.Address, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", offered.RemoteEndpoint!.Address);
        Assert.Equal($"127.0.0.1:{fixture.Relay.Port}", offered.ConnectHeaders!["Host"]);
        Assert.Equal("13", offered.ConnectHeaders["Sec-WebSocket-Version"]);
        Assert.Equal("shell", offered.ConnectHeaders["X-Coder-Session"]);
        Assert.DoesNotContain(offered.ConnectHeaders.Keys, k => k is "Sec-WebSocket-Key" or "ServiceBusAuthorization" or "Authorization" or "Cookie");
    }

    [Fact]
    public async Task ASenderMayExtendThePath_AndReachesTheListenerOfItsRegisteredParent()
    {
        string path = NewPath();
        HybridConnectionAccept? offered = null;
        var options = new HybridConnectionListenerOptions { AcceptHandler = (accept, _) => { offered = accept; return ValueTask.FromResult<HybridConnectionRejection?>(null); } };
        await using var listener = new EchoListener(Relay, path, fixture.Keys.Listen(), options);
        await listener.StartAsync();
        var sendTokens = fixture.Keys.Send();

        await using var stream = await Sender($"{path}/replica-1", (_, ct) => sendTokens(HybridConnectionProtocol.Resource(Relay, path), ct)).CreateConnectionAsync(CancellationToken.None);
        await stream.WriteAsync("hi"u8.ToArray());
        byte[] echoed = await ReadExactlyAsync(stream, 2);

        Assert.Equal("hi"u8.ToArray(), echoed);
        Assert.Contains($"/$hc/{path}/replica-1?sb-hc-action=accept", offered!.Address, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenewToken_WithAValidToken_KeepsTheListener_AndWithAnExpiredOne_ClosesItsControlChannel()
    {
        string path = NewPath();
        var valid = fixture.Keys.Listen();
        var expired = fixture.Keys.Listen(new ShiftedTimeProvider(TimeSpan.FromHours(-1)));
        bool expire = false;
        await using var listener = new EchoListener(Relay, path, (resource, ct) => expire ? expired(resource, ct) : valid(resource, ct));
        await listener.StartAsync();

        await listener.Listener.RenewTokenAsync(CancellationToken.None);
        await using (var stream = await Sender(path).CreateConnectionAsync(CancellationToken.None))
        {
            await stream.WriteAsync(new byte[] { 7 });
            Assert.Equal([7], await ReadExactlyAsync(stream, 1));
        }

        Assert.True(listener.Listener.IsOnline);
        Assert.Equal(1, listener.Listener.ControlChannelsOpened);
        expire = true;
        await listener.Listener.RenewTokenAsync(CancellationToken.None);

        await Eventually.WaitAsync(() => !listener.Listener.IsOnline, TimeSpan.FromSeconds(10), "the relay to close a control channel whose renewed token is expired");
        Assert.Contains($"Refused renewToken on {path} with 401", fixture.Relay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnansweredSender_FailsWith504_AfterThePendingConnectTimeout_AndTheLateAdmissionIsReportedAsFailed()
    {
        string path = NewPath();
        var never = new TaskCompletionSource<HybridConnectionRejection?>();
        var failed = new TaskCompletionSource<HybridConnectionAccept>(TaskCreationOptions.RunContinuationsAsynchronously);
        var online = new List<bool>();
        var options = new HybridConnectionListenerOptions
        {
            AcceptHandler = (_, _) => new ValueTask<HybridConnectionRejection?>(never.Task),
            RendezvousFailed = accept => failed.TrySetResult(accept),
            OnlineChanged = state => { lock (online) online.Add(state); },
        };
        await using var listener = new EchoListener(Relay, path, fixture.Keys.Listen(), options);
        await listener.StartAsync();
        var started = TimeProvider.System.GetTimestamp();

        var refused = await Assert.ThrowsAsync<HybridConnectionException>(() => Sender(path).CreateConnectionAsync(CancellationToken.None));

        Assert.Equal(504, refused.StatusCode);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), RelayFixture.PendingConnectTimeout - TimeSpan.FromMilliseconds(100), RelayFixture.PendingConnectTimeout * 4);
        never.SetResult(null);
        // Admitted too late: the relay has dropped the rendezvous, so the slot a listener reserved for it must be given back.
        await failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, listener.Accepted);
        lock (online) Assert.Equal([true], online);
    }

    [Fact]
    public async Task TheRelaysOutput_HoldsNoTokenOrSignature()
    {
        string path = NewPath();
        await using var listener = new EchoListener(Relay, path, fixture.Keys.Listen());
        await listener.StartAsync();
        string? token = null;
        var tokens = fixture.Keys.Send();
        await using (var stream = await Sender(path, async (resource, ct) => token = await tokens(resource, ct)).CreateConnectionAsync(CancellationToken.None))
        {
            await stream.WriteAsync(new byte[] { 1 });
            await ReadExactlyAsync(stream, 1);
        }

        await Assert.ThrowsAsync<HybridConnectionException>(() => Sender(NewPath(), fixture.Keys.Send(new ShiftedTimeProvider(TimeSpan.FromHours(-1)))).CreateConnectionAsync(CancellationToken.None));

        string output = fixture.Relay.Output;
        Assert.Contains("Listener online", output, StringComparison.Ordinal);
        Assert.Contains("Refused connect", output, StringComparison.Ordinal);
        string signature = RelaySasToken.Parse(token)!.Signature;
        Assert.DoesNotContain(signature, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), output, StringComparison.Ordinal);
        Assert.DoesNotContain("sb-hc-token", output, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Keys.SendKey, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AListenerWhoseTokenRunsOut_IsClosedByTheRelay_AndReconnectsWithAFreshOne()
    {
        string path = NewPath();
        var shortTokens = RelaySasToken.Provider(RelayKeys.ListenKeyName, fixture.Keys.ListenKey, TimeSpan.FromSeconds(2), TimeProvider.System);
        await using var listener = new EchoListener(Relay, path, shortTokens, new HybridConnectionListenerOptions { RenewTokenBeforeExpiry = false });
        await listener.StartAsync();

        await Eventually.WaitAsync(() => listener.Listener.ControlChannelsOpened >= 2, TimeSpan.FromSeconds(10), "the relay to close the channel at the token's expiry and the listener to reopen it");

        Assert.Contains($"Listener token for {path} expired", fixture.Relay.Output, StringComparison.Ordinal);
        Assert.Equal(0, listener.Listener.TokensRenewed);
    }

    [Fact]
    public async Task AListener_RenewsItsTokenBeforeExpiry_AndKeepsOneControlChannel()
    {
        string path = NewPath();
        var shortTokens = RelaySasToken.Provider(RelayKeys.ListenKeyName, fixture.Keys.ListenKey, TimeSpan.FromSeconds(3), TimeProvider.System);
        await using var listener = new EchoListener(Relay, path, shortTokens);
        await listener.StartAsync();

        await Eventually.WaitAsync(() => listener.Listener.TokensRenewed >= 3, TimeSpan.FromSeconds(15), "three renewals before expiry");

        Assert.Equal(1, listener.Listener.ControlChannelsOpened);
        Assert.True(listener.Listener.IsOnline);
        Assert.DoesNotContain($"Listener token for {path} expired", fixture.Relay.Output, StringComparison.Ordinal);
    }

    static async Task<byte[]> ReadExactlyAsync(Stream stream, int length)
    {
        byte[] buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer);
        return buffer;
    }
}
