using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Coder.Cli.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Cli.Tests;

/// <summary><c>coder port-forward</c> as a process, through the real relay to the agent's tcp sessions.</summary>
[Collection(ConnectCollection.Name)]
public sealed partial class PortForwardTests(ConnectFixture fixture) : IDisposable
{
    readonly CoderCli _cli = fixture.Cli();

    [Fact]
    public async Task TwentyParallelHttpRequests_AllSucceed_EachReportedOnStderr_AndCtrlCStops()
    {
        // The web server "in the workspace": the agent's tcp sessions dial 127.0.0.1:<port> on this machine.
        await using var web = await StartWebServerAsync();
        int remotePort = new Uri(web.Urls.First()).Port;
        using var forward = _cli.Start("port-forward", "dev", "--tcp", $"0:{remotePort}");
        var forwarding = await Eventually.WaitAsync(() => Task.FromResult(ForwardingLine().Match(forward.Stderr)), m => m.Success || forward.Process.HasExited, TimeSpan.FromSeconds(20), "the forwarding line");
        Assert.True(forwarding.Success, forward.Stderr);
        int localPort = int.Parse(forwarding.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);

        var bodies = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            // A client per request: twenty connections, twenty tcp sessions.
            using var http = new HttpClient();
            return await http.GetStringAsync(new Uri($"http://127.0.0.1:{localPort}/echo/{i}"));
        }));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"hello {i}"), bodies);
        await Eventually.WaitAsync(() => ConnectionLine().Matches(forward.Stderr).Count == 20, TimeSpan.FromSeconds(10), "20 connection lines");
        await forward.InterruptAsync();
        var result = await forward.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task FortyConnectionsHeldOpen_AllEcho_OverASecondRelayConnection_WhenTheFirstHolds32Sessions()
    {
        // An echo server "in the workspace" that keeps every connection open until the client closes it.
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                var peer = await echo.AcceptTcpClientAsync();
                _ = Task.Run(async () =>
                {
                    using (peer) await peer.GetStream().CopyToAsync(peer.GetStream());
                });
            }
        });
        int relayConnectionsBefore = fixture.Dev.SessionHeaders.Count;
        using var forward = _cli.Start("port-forward", "dev", "--tcp", $"0:{((IPEndPoint)echo.LocalEndpoint).Port}");
        var forwarding = await Eventually.WaitAsync(() => Task.FromResult(ForwardingLine().Match(forward.Stderr)), m => m.Success || forward.Process.HasExited, TimeSpan.FromSeconds(20), "the forwarding line");
        int localPort = int.Parse(forwarding.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);

        var clients = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 40; i++)
            {
                var client = new TcpClient();
                clients.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, localPort);
                byte[] ping = System.Text.Encoding.ASCII.GetBytes($"ping {i,2}");
                await client.GetStream().WriteAsync(ping);
                byte[] back = new byte[ping.Length];
                await client.GetStream().ReadExactlyAsync(back).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(ping, back);
            }

            Assert.Equal(2, fixture.Dev.SessionHeaders.Count - relayConnectionsBefore);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
            await forward.InterruptAsync();
            await forward.WaitForExitAsync(TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task AfterTheRelayConnectionDrops_TheNextRequest_GoesOverANewOne()
    {
        await using var web = await StartWebServerAsync();
        using var forward = _cli.Start("port-forward", "flaky", "--tcp", $"0:{new Uri(web.Urls.First()).Port}");
        var forwarding = await Eventually.WaitAsync(() => Task.FromResult(FlakyForwardingLine().Match(forward.Stderr)), m => m.Success || forward.Process.HasExited, TimeSpan.FromSeconds(20), "the forwarding line");
        var url = new Uri($"http://127.0.0.1:{forwarding.Groups["port"].Value}/echo/1");
        int relayConnectionsBefore = fixture.Flaky.SessionHeaders.Count;
        using (var http = new HttpClient()) Assert.Equal("hello 1", await http.GetStringAsync(url));

        await fixture.Flaky.DropConnectionsAsync();

        using (var http = new HttpClient()) Assert.Equal("hello 1", await http.GetStringAsync(url));
        Assert.Equal(1, fixture.Flaky.SessionHeaders.Count - relayConnectionsBefore);
        Assert.False(forward.Process.HasExited, forward.Stderr);
        await forward.InterruptAsync();
        Assert.Equal(0, (await forward.WaitForExitAsync(TimeSpan.FromSeconds(15))).ExitCode);
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("abc:80")]
    [InlineData("8080:0")]
    [InlineData("70000:80")]
    [InlineData("8080:http")]
    [InlineData("::1:8080:80")]
    [InlineData("nowhere:8080:80")]
    public async Task MalformedTcpSpec_IsAUsageError_Exit1(string spec)
    {
        var result = await _cli.RunAsync("port-forward", "dev", "--tcp", "8080:80", "--tcp", spec);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"--tcp '{spec}'", result.Stderr);
    }

    [Fact]
    public async Task TakenLocalPort_SaysSo_BeforeForwardingAnything()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await _cli.RunAsync("port-forward", "dev", "--tcp", $"{port}:80");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", result.Stderr);
    }

    static async Task<WebApplication> StartWebServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/echo/{n}", (int n) => $"hello {n}");
        await app.StartAsync();
        return app;
    }

    [GeneratedRegex(@"Forwarding 127\.0\.0\.1:(?<port>\d+) -> dev:\d+")]
    private static partial Regex ForwardingLine();

    [GeneratedRegex(@"Forwarding 127\.0\.0\.1:(?<port>\d+) -> flaky:\d+")]
    private static partial Regex FlakyForwardingLine();

    [GeneratedRegex(@"connection \d+ from 127\.0\.0\.1:\d+ -> dev:\d+")]
    private static partial Regex ConnectionLine();

    public void Dispose() => _cli.Dispose();
}
