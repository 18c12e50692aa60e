using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Local.Storage;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary><c>coder port-forward dev --tcp 127.0.0.1:P:18931</c> serves the workspace's http.server on this machine (issue #22 acceptance).</summary>
[Collection(ConnectCollection.Name)]
public sealed class PortForwardTests(ConnectFixture fixture)
{
    [Fact]
    public async Task Twenty_parallel_requests_through_the_forward_all_succeed_and_each_connection_is_reported()
    {
        int port = FreePorts.Next();
        using var forward = new CliBackgroundProcess(fixture.Alice.Home, "port-forward", ConnectFixture.Workspace, "--tcp", $"127.0.0.1:{port}:{ConnectFixture.HttpPort}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };

        // The startup script started the server in the background; it may still be binding when the workspace is ready.
        await Eventually.WaitAsync(async () => forward.HasExited ? throw new InvalidOperationException("port-forward exited:\n" + forward) : (await http.GetAsync("/marker.txt")).StatusCode,
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the workspace's page through the forward");

        var bodies = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/marker.txt");
            request.Headers.ConnectionClose = true; // one TCP connection, so one relayed session, per request
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }));

        Assert.All(bodies, body => Assert.Equal(ConnectFixture.Marker + "\n", body));
        await Eventually.WaitAsync(() => forward.Stderr.Split('\n').Count(line => line.Contains(ConnectFixture.HttpPort.ToString(), StringComparison.Ordinal)) >= 21,
            TimeSpan.FromSeconds(10), "a line on stderr for each forwarded connection");
    }
}
