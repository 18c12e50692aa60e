using System.Net;
using System.Text;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>Two members with same-named workspaces never see each other's, on any route that exists; forged identities grant nothing.</summary>
[Collection(SecurityCollection.Name)]
public sealed class IsolationTests(SecurityHost fixture)
{
    [Fact]
    public async Task TwoMembers_SameNamedWorkspaces_NeverCross()
    {
        using var alice = fixture.Api("alice");
        using var bob = fixture.Api("bob");
        var mine = new Dictionary<string, (CoderApi Api, string Own, string Other, string User)>
        {
            ["alice"] = (alice, fixture.AliceWorkspace, fixture.BobWorkspace, "alice"),
            ["bob"] = (bob, fixture.BobWorkspace, fixture.AliceWorkspace, "bob"),
        };

        foreach (var (who, (api, own, other, user)) in mine)
        {
            // list: only their own, and their "dev" is their own id
            var list = await api.GetAsync("/api/workspaces");
            Assert.Equal(HttpStatusCode.OK, list.Status);
            var items = list.Json["items"]!.AsArray();
            Assert.NotEmpty(items);
            Assert.All(items, i => Assert.Equal(user, (string)i!["owner"]!));
            Assert.DoesNotContain(items, i => (string)i!["id"]! == other);
            Assert.Equal(own, (string)items.Single(i => (string)i!["name"]! == "dev")!["id"]!);
            Assert.DoesNotContain(other, list.Body, StringComparison.Ordinal);

            // get, with the agent's metrics in it: own 200, other's 404 with nothing of it in the answer
            var get = await api.GetAsync($"/api/workspaces/{own}");
            Assert.Equal(HttpStatusCode.OK, get.Status);
            Assert.NotNull(get.Json["agent"]);
            var foreign = await api.GetAsync($"/api/workspaces/{other}");
            Assert.Equal(HttpStatusCode.NotFound, foreign.Status);
            Assert.DoesNotContain("sleepy", foreign.Body, StringComparison.Ordinal);

            // events: own timeline only ever names their own workspace's operations
            var events = await api.GetAsync($"/api/workspaces/{own}/events");
            Assert.Equal(HttpStatusCode.OK, events.Status);
            Assert.DoesNotContain(other, events.Body, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/workspaces/{other}/events")).Status);

            // operations of the other's workspace
            using var admin = fixture.Api("root");
            var otherOp = (string?)(await admin.GetAsync($"/api/workspaces/{other}")).Json["operation"]?["id"];
            if (otherOp is not null) Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/operations/{otherOp}")).Status);

            // filters cannot widen the view
            var filtered = await api.GetAsync("/api/workspaces?template=sleepy");
            Assert.DoesNotContain(other, filtered.Body, StringComparison.Ordinal);
        }

        // the admin sees both, by their distinct owners
        using var root = fixture.Api("root");
        var all = (await root.GetAsync("/api/workspaces")).Json["items"]!.AsArray();
        Assert.Contains(all, i => (string)i!["id"]! == fixture.AliceWorkspace && (string)i["owner"]! == "alice");
        Assert.Contains(all, i => (string)i!["id"]! == fixture.BobWorkspace && (string)i["owner"]! == "bob");
    }

    [Fact]
    public async Task ForgedEasyAuthHeader_WithoutTrust_GrantsNothing()
    {
        string forged = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            """{"auth_typ":"aad","claims":[{"typ":"roles","val":"Coder.Admin"},{"typ":"roles","val":"admin"},{"typ":"preferred_username","val":"alice"}],"role_typ":"roles"}"""));
        var headers = new Dictionary<string, string> { ["X-MS-CLIENT-PRINCIPAL"] = forged, ["X-MS-CLIENT-PRINCIPAL-NAME"] = "alice" };
        using var anonymous = new CoderApi(fixture.Host.BaseUrl, null);
        foreach (var (method, path) in new[] { ("GET", "/api/workspaces"), ("GET", $"/api/workspaces/{fixture.AliceWorkspace}"), ("GET", "/api/audit"), ("POST", "/api/tokens"), ("GET", "/api/templates") })
        {
            var r = await anonymous.SendAsync(new HttpMethod(method), path, method == "POST" ? """{"name":"evil","roles":["admin"],"user":"evil","expiresInDays":1}""" : null, headers);
            Assert.True(r.Status == HttpStatusCode.Unauthorized, $"{method} {path} with a forged principal: {r}");
        }

        // with a member's token the forged admin principal adds nothing either
        using var bob = fixture.Api("bob");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.SendAsync(HttpMethod.Get, $"/api/workspaces/{fixture.AliceWorkspace}", null, headers)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.SendAsync(HttpMethod.Get, "/api/audit", null, headers)).Status);
    }

    [Fact]
    public async Task Health_IsOpenAndLeaksNothing()
    {
        using var anonymous = new CoderApi(fixture.Host.BaseUrl, null);
        var r = await anonymous.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        var root = r.Json.AsObject();
        Assert.Equal(["checks", "status"], root.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(root["checks"]!.AsObject(), c => Assert.Contains((string)c.Value!, new[] { "ok", "failed" }));
        foreach (string secret in new[] { "AccountKey", "DefaultEndpointsProtocol", "127.0.0.1", fixture.Host.DataDirectory, fixture.Host.Prefix, "cdr_", "cda_", "Version", "version" })
            Assert.DoesNotContain(secret, r.Body, StringComparison.Ordinal);
    }
}
