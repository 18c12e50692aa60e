using System.Diagnostics;
using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Workspaces;

/// <summary>
/// A workspace whose compute cannot be torn down is still deletable: the folder of a local workspace is made impossible
/// to remove (an immutable file, as root sets it), a plain <c>coder delete</c> fails saying why, and
/// <c>coder delete --force</c> removes the workspace (404, out of the quota usage) with the teardown error on the audit
/// log. A force never races a running operation: 409 naming it, to cancel first. On the security tests' host, with
/// members of their own.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class ForceDeleteTests(SecurityHost fixture)
{
    [Fact]
    public async Task ComputeThatCannotBeTornDown_PlainDeleteFailsSayingWhy_ForceDeleteRemovesTheWorkspaceAndItsQuota()
    {
        using var admin = fixture.Host.Admin();
        await admin.CreateTemplateAsync(Templates.Local("force-local", heartbeatSeconds: 2));
        string fernToken = await fixture.NewMemberTokenAsync("fern");
        using var gale = await fixture.NewMemberAsync("gale");
        using var fernApi = new CoderApi(fixture.Host.BaseUrl, fernToken);
        using var cli = new CliProcess();
        Assert.Equal(0, (await cli.RunAsync("login", fixture.Host.BaseUrl, "--token", fernToken)).ExitCode);
        string id = await fernApi.CreateWorkspaceAsync("doomed", "force-local");
        await fernApi.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(90));
        Assert.Equal(1, (int)(await fernApi.GetAsync("/api/quotas/fern")).Json["usage"]!["workspaces"]!);

        // Someone else's workspace is as absent with force as without; a force that is not a bool is named.
        Assert.Equal(HttpStatusCode.NotFound, (await gale.SendAsync(HttpMethod.Delete, $"/api/workspaces/{id}?force=true")).Status);
        var bad = await fernApi.SendAsync(HttpMethod.Delete, $"/api/workspaces/{id}?force=yes");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.NotNull(bad.Json["errors"]!["force"]);
        Assert.Equal("running", (string?)(await fernApi.GetAsync($"/api/workspaces/{id}")).Json["status"]);

        string folder = Path.Combine(fixture.Host.DataDirectory, "workspaces", id);
        string pinned = Path.Combine(folder, "pinned");
        await File.WriteAllTextAsync(pinned, "the platform cannot remove this");
        await ChattrAsync("+i", pinned);
        try
        {
            var plain = await cli.RunAsync("delete", "doomed");
            Assert.True(plain.ExitCode == 3, plain.ToString());
            var failed = (await fernApi.GetAsync($"/api/workspaces/{id}")).Json;
            Assert.Equal("failed", (string?)failed["status"]);
            var reason = (await admin.GetAsync($"/api/workspaces/{id}")).Json["failureReason"];
            Assert.Contains($"The workspace folder {folder} could not be removed", (string?)reason, StringComparison.Ordinal);

            var forced = await cli.RunAsync("delete", "doomed", "--force");
            Assert.True(forced.ExitCode == 0, forced.ToString());
            Assert.Contains("is deleted", forced.Stdout, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await fernApi.GetAsync($"/api/workspaces/{id}")).Status);
            Assert.DoesNotContain((await fernApi.GetAsync("/api/workspaces")).Json["items"]!.AsArray(), w => (string?)w!["id"] == id);
            var usage = (await fernApi.GetAsync("/api/quotas/fern")).Json["usage"]!;
            Assert.Equal(0, (int)usage["workspaces"]!);
            Assert.Equal(0, (double)usage["cpu"]!);

            // The teardown error is the admins' to read; what the platform could not remove is still there for the orphan sweep.
            var audit = (await admin.GetAsync("/api/audit?actor=user:fern&max=100")).Json["items"]!.AsArray();
            var teardown = Assert.Single(audit, a => (string?)a!["action"] == "workspace.delete.teardown-failed");
            Assert.Equal($"workspaces/{id}", (string?)teardown!["target"]);
            Assert.Contains("could not be removed", (string?)teardown["detail"], StringComparison.Ordinal);
            Assert.True(Directory.Exists(folder));
            Assert.Empty(AgentProcesses.Under(fixture.Host.DataDirectory, id));
        }
        finally
        {
            await ChattrAsync("-i", pinned);
        }
    }

    [Fact]
    public async Task ForceWhileAnOperationRuns_Is409NamingIt_AndAfterACancelTheForceDeleteGoesThrough()
    {
        using var hale = await fixture.NewMemberAsync("hale");
        var created = await hale.PostAsync("/api/workspaces", $$"""{"name":"stuck","template":"{{SecurityHost.Sleepy}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string id = (string)created.Json["id"]!;
        string operation = (string)created.Json["operation"]!["id"]!;

        // The provision holds the workspace (its blocking script runs for an hour): force does not race it.
        var refused = await hale.SendAsync(HttpMethod.Delete, $"/api/workspaces/{id}?force=true");
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Equal(operation, (string?)refused.Json["operationId"]);
        Assert.Contains($"POST /api/operations/{operation}/cancel", (string?)refused.Json["detail"], StringComparison.Ordinal);
        Assert.Equal(operation, (string?)(await hale.GetAsync($"/api/workspaces/{id}")).Json["operation"]?["id"]);

        Assert.Equal(HttpStatusCode.OK, (await hale.PostAsync($"/api/operations/{operation}/cancel", "{}")).Status);
        var forced = await hale.SendAsync(HttpMethod.Delete, $"/api/workspaces/{id}?force=true");
        Assert.Equal(HttpStatusCode.Accepted, forced.Status);
        await Eventually.WaitAsync(() => hale.GetAsync($"/api/workspaces/{id}"), r => r.Status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(30), "the workspace to be gone");
        Assert.Equal(0, (int)(await hale.GetAsync("/api/quotas/hale")).Json["usage"]!["workspaces"]!);
    }

    static async Task ChattrAsync(string change, string path)
    {
        using var chattr = Process.Start(new ProcessStartInfo("chattr", [change, path]) { RedirectStandardError = true }) ?? throw new InvalidOperationException("chattr did not start.");
        string error = await chattr.StandardError.ReadToEndAsync();
        await chattr.WaitForExitAsync();
        Assert.True(chattr.ExitCode == 0, $"chattr {change} {path}: {error}");
    }
}
