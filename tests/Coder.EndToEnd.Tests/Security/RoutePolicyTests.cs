using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Functions.Http;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>The route table decides as routing matches: case-insensitively, and on whole names only.</summary>
[Collection(SecurityCollection.Name)]
public sealed class RoutePolicyTests(SecurityHost fixture)
{
    [Theory]
    [InlineData("GET", "/api/Tokens", RouteAccess.Admin)]
    [InlineData("DELETE", "/API/TOKENS/x", RouteAccess.Admin)]
    [InlineData("GET", "/Api/Audit", RouteAccess.Admin)]
    [InlineData("POST", "/api/Templates", RouteAccess.TemplateAdmin)]
    [InlineData("POST", "/api/ROLLOUTS/ro-x/pause", RouteAccess.TemplateAdmin)]
    [InlineData("GET", "/api/Agent/manifest", RouteAccess.Agent)]
    [InlineData("GET", "/api/workspaces", RouteAccess.Authenticated)]
    public void Access_IgnoresCase_AsRoutingDoes(string method, string path, RouteAccess expected) =>
        Assert.Equal(expected, RoutePolicy.AccessFor(method, RoutePolicy.Segments(path)!));

    [Theory]
    [InlineData("/api/workspaces/ws-abc\n")]
    [InlineData("/api/tokens/x\n")]
    public void Segments_WithATrailingNewline_AreRefused(string path) => Assert.Null(RoutePolicy.Segments(path));

    [Fact]
    public async Task AMember_CannotReachAdminRoutes_ByChangingTheirCase()
    {
        using var alice = fixture.Api("alice");
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/Audit"), (HttpMethod.Get, "/API/AUDIT"), (HttpMethod.Delete, "/api/TOKENS/nope"), (HttpMethod.Post, "/Api/Tokens") })
        {
            var r = await alice.SendAsync(method, path, method == HttpMethod.Post ? """{"name":"mine","roles":["admin"],"user":"alice","expiresInDays":1}""" : null);
            Assert.True(r.Status == HttpStatusCode.Forbidden, $"{method} {path}: {r}");
        }
    }
}
