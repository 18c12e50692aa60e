using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Agents;

/// <summary>
/// <c>GET /api/agent/binary/{os}-{arch}</c> on a running local host (the security collection's): anonymous, the bytes of
/// the agent its build ships, validated by a SHA-256 ETag, and a file that runs.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class AgentBinaryTests(SecurityHost fixture)
{
    [Fact]
    public async Task Binary_IsServedAnonymously_WithTheBuildsSha256AsETag_AndRuns()
    {
        string expected = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(BuildOutputs.ShippedAgent)));
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };

        using var response = await http.GetAsync("/api/agent/binary/linux-x64");
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal($"\"{expected}\"", response.Headers.ETag?.ToString());
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.True(response.Headers.CacheControl is { Public: true, NoCache: true }, $"Cache-Control: {response.Headers.CacheControl}");

        // What a workspace does with it: save, mark executable, run.
        string file = Path.Combine(Path.GetTempPath(), "coder-agent-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await File.WriteAllBytesAsync(file, bytes);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var psi = new ProcessStartInfo(file, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(psi)!;
            string version = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
            Assert.StartsWith("coder-agent ", version, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task MatchingIfNoneMatch_Gets304WithoutBody_AndAStaleOneGetsTheFile()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        using var first = await http.GetAsync("/api/agent/binary/linux-x64", HttpCompletionOption.ResponseHeadersRead);
        var etag = first.Headers.ETag!;

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/api/agent/binary/linux-x64");
        revalidate.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000\""));
        revalidate.Headers.IfNoneMatch.Add(etag);
        using var notModified = await http.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/api/agent/binary/linux-x64");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000\""));
        using var changed = await http.SendAsync(stale, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(etag, changed.Headers.ETag);
    }

    [Theory]
    [InlineData("linux-arm64")]
    [InlineData("windows-x64")]
    [InlineData("linux")]
    public async Task UnknownPlatform_Is404ProblemNamingThePlatform(string platform)
    {
        using var api = new CoderApi(fixture.Host.BaseUrl, null);
        var response = await api.GetAsync($"/api/agent/binary/{platform}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.NotNull(response.Json["errors"]?["platform"]);
    }
}
