using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Quotas;

/// <summary>
/// Quotas, role-restricted templates and template deletion end to end, on the security tests' host (its users and its
/// blocking "sleepy" template). Each test uses users of its own, so the quotas it sets touch no other test.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class QuotaTests(SecurityHost fixture)
{
    [Fact]
    public async Task WithMaxWorkspacesTwo_TheThirdCreateIsA403SayingQuota_GetShowsUsage_AndTheTemplateIsDeletableOnceUnused()
    {
        using var admin = fixture.Host.Admin();
        using var quinn = await fixture.NewMemberAsync("quinn");
        await admin.CreateTemplateAsync(Templates.Local("quota-local"));
        var set = await admin.SendAsync(HttpMethod.Put, "/api/quotas/quinn", """{"maxWorkspaces":2}""");
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal(2, (int)set.Json["limits"]!["maxWorkspaces"]!);
        Assert.Equal(0, (int)set.Json["usage"]!["workspaces"]!);

        // Only admins set quotas; a member reads their own and no one else's.
        Assert.Equal(HttpStatusCode.Forbidden, (await quinn.SendAsync(HttpMethod.Put, "/api/quotas/quinn", """{"maxWorkspaces":9}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await quinn.GetAsync("/api/quotas/alice")).Status);
        var negative = await admin.SendAsync(HttpMethod.Put, "/api/quotas/quinn", """{"maxCpu":-1}""");
        Assert.Equal(HttpStatusCode.BadRequest, negative.Status);
        Assert.NotNull(negative.Json["errors"]!["maxCpu"]);

        string first = await quinn.CreateWorkspaceAsync("q1", "quota-local");
        string second = await quinn.CreateWorkspaceAsync("q2", "quota-local");
        var third = await quinn.PostAsync("/api/workspaces", """{"name":"q3","template":"quota-local"}""");
        Assert.Equal(HttpStatusCode.Forbidden, third.Status);
        Assert.Equal("application/problem+json", third.ContentType);
        Assert.Contains("quota", (string)third.Json["detail"]!);
        Assert.Contains("maxWorkspaces quota is 2 and 2 workspaces are in use", (string)third.Json["detail"]!);
        Assert.DoesNotContain((await quinn.GetAsync("/api/workspaces")).Json["items"]!.AsArray(), w => (string?)w!["name"] == "q3");

        var usage = await quinn.GetAsync("/api/quotas/quinn");
        Assert.Equal(HttpStatusCode.OK, usage.Status);
        Assert.Equal(2, (int)usage.Json["usage"]!["workspaces"]!);
        Assert.Equal(2, (int)usage.Json["usage"]!["runningWorkspaces"]!);
        Assert.Equal(2.0, (double)usage.Json["usage"]!["cpu"]!);
        Assert.Equal(1024, (int)usage.Json["usage"]!["memoryMiB"]!);

        // The template is in use: 409. Once its workspaces are deleted (which gives their quota back), 204, then 404.
        var inUse = await admin.DeleteAsync("/api/templates/quota-local");
        Assert.Equal(HttpStatusCode.Conflict, inUse.Status);
        Assert.Contains(first, (string)inUse.Json["detail"]!);
        foreach (string id in new[] { first, second })
        {
            await quinn.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.Accepted, (await quinn.DeleteAsync($"/api/workspaces/{id}")).Status);
        }

        Assert.Equal(0, (int)(await quinn.GetAsync("/api/quotas/quinn")).Json["usage"]!["workspaces"]!);
        foreach (string id in new[] { first, second })
        {
            await Eventually.WaitAsync(() => quinn.GetAsync($"/api/workspaces/{id}"), r => r.Status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(30), $"{id} to be deleted");
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/templates/quota-local")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/templates/quota-local")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/templates/quota-local")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await quinn.PostAsync("/api/workspaces", """{"name":"q4","template":"quota-local"}""")).Status);
    }

    [Fact]
    public async Task TenConcurrentCreatesAgainstOneRemainingSlot_YieldExactlyOne202()
    {
        using var admin = fixture.Host.Admin();
        using var rhea = await fixture.NewMemberAsync("rhea");
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(HttpMethod.Put, "/api/quotas/rhea", """{"maxWorkspaces":1}""")).Status);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => rhea.PostAsync("/api/workspaces", $$"""{"name":"race-{{i}}","template":"{{SecurityHost.Sleepy}}"}""")));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Accepted);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.Accepted), r =>
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.Status);
            Assert.Contains("quota", (string)r.Json["detail"]!);
        });
        Assert.Equal(1, (int)(await rhea.GetAsync("/api/quotas/rhea")).Json["usage"]!["workspaces"]!);
        Assert.Single((await rhea.GetAsync("/api/workspaces")).Json["items"]!.AsArray());
    }

    [Fact]
    public async Task AScaleThatFails_GivesBackTheQuotaItReserved()
    {
        using var admin = fixture.Host.Admin();
        using var sasha = await fixture.NewMemberAsync("sasha");
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(HttpMethod.Put, "/api/quotas/sasha", """{"maxCpu":2}""")).Status);

        // Every replica but the first fails its startup script, so a scale to two replicas fails and is compensated.
        await admin.CreateTemplateAsync(Templates.Local("quota-one-replica", """[ "$CODER_AGENT_REPLICA" = 0 ] || { echo only one replica; exit 3; }"""));
        string id = await sasha.CreateWorkspaceAsync("solo", "quota-one-replica");
        await sasha.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(60));

        var scale = await sasha.SendAsync(HttpMethod.Patch, $"/api/workspaces/{id}", """{"replicas":2}""");
        Assert.Equal(HttpStatusCode.Accepted, scale.Status);
        string operation = (string)scale.Json["operation"]!["id"]!;
        await Eventually.WaitAsync(() => sasha.GetAsync($"/api/operations/{operation}"), r => (string?)r.Json["status"] == "failed", TimeSpan.FromSeconds(90), "the scale to fail");
        await Eventually.WaitAsync(() => sasha.GetAsync($"/api/workspaces/{id}"), r => r.Json["operation"] is null, TimeSpan.FromSeconds(30), "the workspace to be released");

        // While the scale ran, its reservation held two cpus; once it failed, the ledger is back at the one replica that runs.
        var usage = (await sasha.GetAsync("/api/quotas/sasha")).Json["usage"]!;
        Assert.Equal(1.0, (double)usage["cpu"]!);
        Assert.Equal(512, (int)usage["memoryMiB"]!);
        Assert.Equal(1, (int)(await sasha.GetAsync($"/api/workspaces/{id}")).Json["replicas"]!);
        Assert.Equal(HttpStatusCode.Accepted, (await sasha.DeleteAsync($"/api/workspaces/{id}")).Status);
    }

    [Fact]
    public async Task ATemplateRestrictedToRoles_RefusesAMemberWithoutOne_NamingAllowedRoles()
    {
        using var admin = fixture.Host.Admin();
        using var alice = fixture.Api("alice");
        string restricted = Templates.Local("quota-restricted").TrimEnd().TrimEnd('}') + """, "allowedRoles": ["template-admin"] }""";
        await admin.CreateTemplateAsync(restricted);
        var unknownRole = await admin.PostAsync("/api/templates", Templates.Local("quota-bad-role").TrimEnd().TrimEnd('}') + """, "allowedRoles": ["wizard"] }""");
        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.Status);
        Assert.NotNull(unknownRole.Json["errors"]!["allowedRoles"]);

        var refused = await alice.PostAsync("/api/workspaces", """{"name":"nope","template":"quota-restricted"}""");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Contains("allowedRoles", (string)refused.Json["detail"]!);
        Assert.NotNull(refused.Json["errors"]!["allowedRoles"]);
    }

    [Fact]
    public async Task TheQuotaCommand_SetsAndShowsLimits_AndACreateOverQuotaExits2SayingQuota()
    {
        using var admin = fixture.Host.Admin();
        string samToken = await fixture.NewMemberTokenAsync("sam");
        using var adminCli = new CliProcess();
        using var samCli = new CliProcess();
        Assert.Equal(0, (await adminCli.RunAsync("login", fixture.Host.BaseUrl, "--token", LocalHostProcess.AdminToken)).ExitCode);
        Assert.Equal(0, (await samCli.RunAsync("login", fixture.Host.BaseUrl, "--token", samToken)).ExitCode);

        var set = await adminCli.RunAsync("quota", "set", "sam", "--max-workspaces", "0", "--max-cpu", "1.5");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Matches(@"maxWorkspaces\s+│?\s*0\s+│?\s*0", set.Stdout);
        Assert.Matches(@"maxRunningWorkspaces\s+│?\s*none", set.Stdout);

        var shown = await samCli.RunAsync("quota", "get", "sam", "--output", "json");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Equal(0, (int)shown.JsonOf("GET", "/api/quotas/{owner}")["limits"]!["maxWorkspaces"]!);
        Assert.Equal(1.5, (double)shown.Json["limits"]!["maxCpu"]!);
        Assert.Equal(0, (int)shown.Json["usage"]!["workspaces"]!);

        var refused = await samCli.RunAsync("create", "over", "--template", SecurityHost.Sleepy);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("quota", refused.Stderr);
        var notAdmin = await samCli.RunAsync("quota", "set", "sam", "--max-workspaces", "9");
        Assert.True(notAdmin.ExitCode == 2, notAdmin.ToString());
        var negative = await adminCli.RunAsync("quota", "set", "sam", "--max-cpu", "-1");
        Assert.True(negative.ExitCode == 2, negative.ToString());
        Assert.Contains("maxCpu", negative.Stderr);
    }
}
