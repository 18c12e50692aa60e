using System.Net;
using System.Text;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// A host with a low mutation limit and App Service Authentication trusted (CODER_TRUST_EASYAUTH=true): 429 with
/// Retry-After per token, and the principal header honoured with Entra app roles mapped to Coder roles.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class RateLimitAndEasyAuthTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString, extraEnvironment: new Dictionary<string, string>
    {
        ["CODER_TRUST_EASYAUTH"] = "true",
        ["Coder__Security__MutationsPerMinute"] = "6",
        ["Coder__Security__MutationBurst"] = "3",
    });

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
        var asAdmin = Principal("dana@example.com", "Coder.Admin");
        var asMember = Principal("erin@example.com", "Coder.Member");
        var noRole = Principal("frank@example.com", "Some.Other.Role");

        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(HttpMethod.Get, "/api/audit", null, asAdmin)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.SendAsync(HttpMethod.Get, "/api/audit", null, asMember)).Status);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(HttpMethod.Get, "/api/workspaces", null, asMember)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Get, "/api/workspaces", null, noRole)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Get, "/api/workspaces", null, new Dictionary<string, string> { ["X-MS-CLIENT-PRINCIPAL"] = "not base64!" })).Status);

        // A bearer token, when sent, decides: an invalid one is not rescued by the principal.
        using var badBearer = new CoderApi(_host.BaseUrl, "cdr_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await badBearer.SendAsync(HttpMethod.Get, "/api/audit", null, asAdmin)).Status);
    }

    static Dictionary<string, string> Principal(string user, string role) => new()
    {
        ["X-MS-CLIENT-PRINCIPAL"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $$"""{"auth_typ":"aad","claims":[{"typ":"roles","val":"{{role}}"},{"typ":"preferred_username","val":"{{user}}"}],"name_typ":"preferred_username","role_typ":"roles"}""")),
    };
}
