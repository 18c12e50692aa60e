using System.Net;
using System.Text;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// A host with low mutation and anonymous limits, App Service Authentication trusted (CODER_TRUST_EASYAUTH=true) and
/// X-Forwarded-For trusted as a reverse proxy in front of the host sets it: 429 with Retry-After per token and per client address,
/// the principal header honoured with Entra app roles mapped to Coder roles and the first admin named by object id.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class RateLimitAndEasyAuthTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString, extraEnvironment: new Dictionary<string, string>
    {
        ["CODER_TRUST_EASYAUTH"] = "true",
        ["Coder__Security__MutationsPerMinute"] = "6",
        ["Coder__Security__MutationBurst"] = "3",
        ["CODER_TRUST_FORWARDED_FOR"] = "true",
        ["Coder__Security__AnonymousPerMinute"] = "1",
        ["Coder__Security__AnonymousBurst"] = "4",
        ["CODER_ADMIN_PRINCIPAL_IDS"] = $"99999999-0000-0000-0000-000000000000,{FirstAdminObjectId}",
    });

    const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const string FirstAdminObjectId = "0b8e7a6c-1d2e-4f30-9a41-5b6c7d8e9f01";

    public async Task InitializeAsync() => await HostStart.StartOrDisposeAsync(_host);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task MutatingRequests_OverTheLimit_Get429WithRetryAfter_PerToken()
    {
        using var admin = _host.Admin();
        var a = await admin.PostAsync("/api/tokens", """{"name":"a","roles":["member"],"user":"a","expiresInDays":1}""");
        var b = await admin.PostAsync("/api/tokens", """{"name":"b","roles":["member"],"user":"b","expiresInDays":1}""");
        using var first = new CoderApi(_host.BaseUrl, (string)a.Json["token"]!);
        using var second = new CoderApi(_host.BaseUrl, (string)b.Json["token"]!);

        // A burst of 3 passes (to validation), the 4th is limited. Reads are never limited.
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 4; i++) statuses.Add((await first.PostAsync("/api/workspaces", """{"name":"Bad!","template":"none"}""")).Status);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, (HttpStatusCode)429], statuses);
        var limited = await first.PostAsync("/api/workspaces", """{"name":"Bad!","template":"none"}""");
        Assert.Equal((HttpStatusCode)429, limited.Status);
        Assert.Equal("application/problem+json", limited.ContentType);
        Assert.True(int.TryParse(limited.Headers["Retry-After"], out int seconds) && seconds is >= 1 and <= 10, $"Retry-After: {limited.Headers.GetValueOrDefault("Retry-After")}");
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/workspaces")).Status);

        // Another token has its own bucket.
        Assert.Equal(HttpStatusCode.BadRequest, (await second.PostAsync("/api/workspaces", """{"name":"Bad!","template":"none"}""")).Status);

        // The refusals are audited as such.
        var audit = await admin.GetAsync("/api/audit");
        Assert.Contains(audit.Json["items"]!.AsArray(), i => (int?)i!["status"] == 429 && (string?)i["actor"] == "user:a" && (string?)i["result"] == "rejected");
    }

    [Fact]
    public async Task TrustedEasyAuthPrincipal_MapsEntraAppRoles()
    {
        using var anonymous = new CoderApi(_host.BaseUrl, null);
        var asAdmin = Principal("dana@example.com", "Coder.Admin", "11111111-0000-0000-0000-000000000001");
        var asMember = Principal("erin@example.com", "Coder.Member", "11111111-0000-0000-0000-000000000002");
        var noRole = Principal("frank@example.com", "Some.Other.Role", "11111111-0000-0000-0000-000000000003");

        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(HttpMethod.Get, "/api/audit", null, asAdmin)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.SendAsync(HttpMethod.Get, "/api/audit", null, asMember)).Status);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(HttpMethod.Get, "/api/workspaces", null, asMember)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Get, "/api/workspaces", null, noRole)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Get, "/api/workspaces", null, new Dictionary<string, string> { ["X-MS-CLIENT-PRINCIPAL"] = "not base64!" })).Status);

        // A bearer token, when sent, decides: an invalid one is not rescued by the principal.
        using var badBearer = new CoderApi(_host.BaseUrl, "cdr_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await badBearer.SendAsync(HttpMethod.Get, "/api/audit", null, asAdmin)).Status);
    }

    [Fact]
    public async Task EasyAuthPrincipals_AreKeyedByTenantAndObjectId_AndTheListedOneIsAdmin()
    {
        using var anonymous = new CoderApi(_host.BaseUrl, null);
        using var admin = _host.Admin();

        // CODER_ADMIN_PRINCIPAL_IDS: the first admin needs no app role.
        var firstAdmin = Principal("ops@example.com", null, FirstAdminObjectId);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(HttpMethod.Get, "/api/audit", null, firstAdmin)).Status);
        var unlisted = Principal("ops@example.com", null, "22222222-0000-0000-0000-000000000001");
        unlisted["X-Forwarded-For"] = "192.0.2.10"; // its own address: the loopback's failed-auth budget is the other tests'
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Get, "/api/audit", null, unlisted)).Status);

        // The same person under two display names is one user; the name is kept for display (the audit's detail).
        string oid = "22222222-0000-0000-0000-00000000000" + Random.Shared.Next(10);
        await anonymous.SendAsync(HttpMethod.Post, "/api/workspaces", """{"name":"Bad!","template":"none"}""", Principal("gina@example.com", "Coder.Member", oid));
        await anonymous.SendAsync(HttpMethod.Post, "/api/workspaces", """{"name":"Bad!","template":"none"}""", Principal("gina.renamed@example.com", "Coder.Member", oid));
        var rows = (await admin.GetAsync($"/api/audit?actor=user:{Tenant}.{oid}")).Json["items"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["gina.renamed@example.com", "gina@example.com"], rows.Select(r => (string?)r!["detail"]));
    }

    [Fact]
    public async Task AnonymousAndFailedAuthRequests_AreLimitedPerClientAddress_AndAuditedOncePerMinute()
    {
        string address = $"203.0.113.{Random.Shared.Next(1, 250)}";
        using var anonymous = new CoderApi(_host.BaseUrl, null);
        using var badToken = new CoderApi(_host.BaseUrl, "cdr_not-a-token");
        using var admin = _host.Admin();

        // The proxy appends the address it saw: what the client put before it does not pick the bucket.
        var from = new Dictionary<string, string> { ["X-Forwarded-For"] = $"198.51.100.{Random.Shared.Next(1, 250)}, {address}" };
        var statuses = new List<int>();
        for (int i = 0; i < 4; i++) statuses.Add((int)(await (i % 2 == 0 ? anonymous : badToken).SendAsync(HttpMethod.Get, "/api/workspaces", null, from)).Status);
        var limited = await badToken.SendAsync(HttpMethod.Post, "/api/workspaces", "{}", from);
        Assert.Equal([401, 401, 401, 401], statuses);
        Assert.Equal((HttpStatusCode)429, limited.Status);
        Assert.Equal("application/problem+json", limited.ContentType);
        Assert.True(int.TryParse(limited.Headers["Retry-After"], out int seconds) && seconds is >= 1 and <= 60, $"Retry-After: {limited.Headers.GetValueOrDefault("Retry-After")}");
        Assert.Equal((HttpStatusCode)429, (await anonymous.SendAsync(HttpMethod.Get, "/api/health", null, new Dictionary<string, string> { ["X-Forwarded-For"] = $"10.0.0.1, {address}" })).Status);

        // The agent download is exempt: a limited address (a NAT full of new workspaces) still gets its agent, again and again.
        for (int i = 0; i < 2; i++)
        {
            var binary = await anonymous.SendAsync(HttpMethod.Get, "/api/agent/binary/linux-x64", null, from);
            Assert.NotEqual((HttpStatusCode)429, binary.Status);
            Assert.Equal(HttpStatusCode.OK, binary.Status);
        }

        // Good traffic from that address is not limited; another address has its own bucket.
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(HttpMethod.Get, "/api/workspaces", null, from)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Get, "/api/workspaces", null, new Dictionary<string, string> { ["X-Forwarded-For"] = "192.0.2.9" })).Status);

        // The five failed authentications are one audit row per minute with a count, not five rows.
        var rows = (await admin.GetAsync($"/api/audit?actor=address:{address}")).Json["items"]!.AsArray();
        Assert.InRange(rows.Count, 1, 2);
        Assert.Equal(5, rows.Sum(r => (int)r!["count"]!));
        Assert.All(rows, r => Assert.Equal("auth.failed", (string?)r!["action"]));
    }

    [Fact]
    public async Task Audit_FiltersByActor_AndPagesWithAContinuationToken()
    {
        using var admin = _host.Admin();
        string name = "pager" + Random.Shared.Next(1000, 9999);
        var token = await admin.PostAsync("/api/tokens", $$"""{"name":"{{name}}","roles":["member"],"user":"{{name}}","expiresInDays":1}""");
        using var pager = new CoderApi(_host.BaseUrl, (string)token.Json["token"]!);
        for (int i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.BadRequest, (await pager.PostAsync("/api/workspaces", """{"name":"Bad!","template":"none"}""")).Status);

        var seen = new List<string>();
        string? next = null;
        int pages = 0;
        do
        {
            var page = await admin.GetAsync($"/api/audit?actor=user:{name}&max=1" + (next is null ? "" : "&continuationToken=" + Uri.EscapeDataString(next)));
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(page.Json["items"]!.AsArray().Select(r => (string)r!["requestId"]!));
            next = (string?)page.Json["continuationToken"];
            Assert.True(++pages <= 4, "the pages do not end");
        }
        while (next is not null);
        Assert.Equal(3, seen.Count);
        Assert.Equal(3, seen.Distinct().Count());

        var bad = await admin.GetAsync("/api/audit?continuationToken=bm90LWEtdG9rZW4");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("continuationToken", bad.Body, StringComparison.Ordinal);
    }

    static Dictionary<string, string> Principal(string user, string? role, string objectId) => new()
    {
        ["X-MS-CLIENT-PRINCIPAL"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $$"""{"auth_typ":"aad","claims":[{{(role is null ? "" : $$"""{"typ":"roles","val":"{{role}}"},""")}}{"typ":"preferred_username","val":"{{user}}"},{"typ":"http://schemas.microsoft.com/identity/claims/tenantid","val":"{{Tenant}}"},{"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"{{objectId}}"}],"name_typ":"preferred_username","role_typ":"roles"}""")),
    };
}
