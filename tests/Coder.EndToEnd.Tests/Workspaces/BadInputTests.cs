using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Workspaces;

/// <summary>Bad input gets problem+json naming the field at fault, and changes nothing in Table Storage.</summary>
[Collection(SecondStorageCollection.Name)]
public sealed class BadInputTests(TestStorage storage, BadInputHost fixture) : IClassFixture<BadInputHost>
{
    readonly LocalHostProcess _host = fixture.Host;
    readonly string _existingId = fixture.ExistingId;

    /// <summary>Every table's rows except the audit log, which records refused calls by design (the security issue).</summary>
    async Task<string> StateAsync() =>
        TableSnapshot.WithoutTable(await TableSnapshot.CaptureAsync(storage.ConnectionString, _host.Prefix), _host.Prefix + "Audit");

    public static TheoryData<string, string, string, int, string> Cases => new()
    {
        { "name breaks the rule", "/api/workspaces", """{"name":"Not_Valid!","template":"basic"}""", 400, "name" },
        { "unknown template", "/api/workspaces", """{"name":"fine","template":"nope"}""", 404, "" },
        { "size over the limits", "/api/workspaces", """{"name":"fine","template":"basic","size":{"cpu":8,"memoryMiB":512}}""", 400, "size.cpu" },
        { "replicas over the limits", "/api/workspaces", """{"name":"fine","template":"basic","replicas":9}""", 400, "replicas" },
        { "malformed JSON", "/api/workspaces", """{"name":"fine","template":""", 400, "" },
        { "unknown field", "/api/workspaces", """{"name":"fine","template":"basic","color":"blue"}""", 400, "color" },
        { "wrong type", "/api/workspaces", """{"name":42,"template":"basic"}""", 400, "name" },
        { "duplicate name", "/api/workspaces", """{"name":"taken","template":"basic"}""", 409, "" },
        { "template name breaks the rule", "/api/templates", """{"name":"X","provisioner":"local","resources":{"cpu":1,"memoryMiB":512},"limits":{"maxCpu":1,"maxMemoryMiB":512,"maxReplicas":1}}""", 400, "name" },
        { "template script name traverses", "/api/templates", """{"name":"ok-name","provisioner":"local","resources":{"cpu":1,"memoryMiB":512},"limits":{"maxCpu":1,"maxMemoryMiB":512,"maxReplicas":1},"startupScripts":[{"name":"../../etc","script":"true","timeoutSeconds":5,"blocksReady":true}]}""", 400, "startupScripts[0].name" },
        { "template asks its provisioner for more replicas than it runs", "/api/templates", """{"name":"vm-many","provisioner":"vm","image":"Canonical:ubuntu-24_04-lts:server:latest","resources":{"cpu":1,"memoryMiB":512},"limits":{"maxCpu":1,"maxMemoryMiB":512,"maxReplicas":3}}""", 400, "limits.maxReplicas" },
        { "duplicate template", "/api/templates", Templates.Local("basic"), 409, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_GetsProblemAndWritesNothing(string because, string path, string body, int status, string field)
    {
        using var api = _host.Admin();
        string before = await StateAsync();
        var response = await api.PostAsync(path, body);
        Assert.True((int)response.Status == status, $"{because}: expected {status}, got {response}");
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(status, (int)response.Json["status"]!);
        Assert.NotNull(response.Json["title"]);
        if (field.Length > 0) Assert.True(response.Json["errors"]?[field] is not null, $"{because}: errors should name '{field}': {response.Body}");
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task BodyOver256KiB_Gets413AndWritesNothing()
    {
        using var api = _host.Admin();
        string before = await StateAsync();
        string body = $$"""{"name":"big","template":"basic","padding":"{{new string('x', 300 * 1024)}}"}""";
        var response = await api.PostAsync("/api/workspaces", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task MissingToken_Gets401AndOthersWorkspaceIs404()
    {
        using var anonymous = new CoderApi(_host.BaseUrl, null);
        var response = await anonymous.GetAsync($"/api/workspaces/{_existingId}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);

        using var admin = _host.Admin();
        var token = await admin.PostAsync("/api/tokens", """{"name":"bob","roles":["member"],"user":"bob","expiresInDays":1}""");
        Assert.Equal(HttpStatusCode.Created, token.Status);
        using var bob = new CoderApi(_host.BaseUrl, (string)token.Json["token"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/workspaces/{_existingId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/api/workspaces/{_existingId}/start", "")).Status);
        Assert.Empty((await bob.GetAsync("/api/workspaces")).Json["items"]!.AsArray());
    }
}
