using Coder.Functions.Http;

namespace Coder.EndToEnd.Tests.Agents;

/// <summary>The hook a per-address limit on anonymous traffic checks: only the agent binary download is exempt.</summary>
public sealed class AgentBinaryRoutePolicyTests
{
    [Theory]
    [InlineData("GET", "api/agent/binary/linux-x64", true)]
    [InlineData("get", "api/agent/binary/linux-arm64", true)]
    [InlineData("POST", "api/agent/binary/linux-x64", false)]
    [InlineData("GET", "api/agent/binary", false)]
    [InlineData("GET", "api/agent/binary/linux-x64/more", false)]
    [InlineData("GET", "api/agent/manifest", false)]
    [InlineData("GET", "api/health", false)]
    [InlineData("POST", "api/eventgrid", false)]
    public void OnlyTheBinaryDownload_IsExemptFromTheAnonymousLimit(string method, string path, bool exempt)
    {
        var segments = RoutePolicy.Segments(path)!;
        Assert.Equal(exempt, RoutePolicy.ExemptFromAnonymousLimit(method, segments));
        Assert.Equal(exempt, RoutePolicy.AccessFor(method, segments) == RouteAccess.AnonymousUnmetered);
    }
}
