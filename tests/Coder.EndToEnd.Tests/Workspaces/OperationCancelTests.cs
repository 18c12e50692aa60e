using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Workspaces;

/// <summary>
/// Nothing stays stuck (coder/coder#28708: a workspace "Starting" for days with no way to cancel): the owner cancels a
/// provision that blocks on its startup script, the workspace is released with the reason on its timeline, and a start
/// takes it up again. On the security tests' host, whose "sleepy" template blocks ready for an hour.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class OperationCancelTests(SecurityHost fixture)
{
    [Fact]
    public async Task TheOwnerCancelsAStuckProvision_TheWorkspaceIsReleasedWithTheReason_AndAStartOrDeleteTakesItUp()
    {
        using var uma = await fixture.NewMemberAsync("uma");
        using var vic = await fixture.NewMemberAsync("vic");
        var created = await uma.PostAsync("/api/workspaces", $$"""{"name":"stuck","template":"{{SecurityHost.Sleepy}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string id = (string)created.Json["id"]!;
        string operation = (string)created.Json["operation"]!["id"]!;

        // The agent comes up and sits in its blocking script: the provision runs and would for an hour.
        await Eventually.WaitAsync(() => uma.GetAsync($"/api/workspaces/{id}/events"),
            r => r.Json["items"]!.AsArray().Any(e => (string?)e!["kind"] == "agent.starting"),
            TimeSpan.FromSeconds(60), "the provision to reach its agent");
        Assert.Equal("running", (string?)(await uma.GetAsync($"/api/operations/{operation}")).Json["status"]);

        // Someone else's operation is as absent as a missing one; a bad reason is named and changes nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await vic.PostAsync($"/api/operations/{operation}/cancel", "{}")).Status);
        var tooLong = await uma.PostAsync($"/api/operations/{operation}/cancel", $$"""{"reason":"{{new string('x', 201)}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.NotNull(tooLong.Json["errors"]!["reason"]);
        Assert.Equal("running", (string?)(await uma.GetAsync($"/api/operations/{operation}")).Json["status"]);

        var canceled = await uma.PostAsync($"/api/operations/{operation}/cancel", """{"reason":"waited long enough"}""");
        Assert.Equal(HttpStatusCode.OK, canceled.Status);
        Assert.Equal("canceled", (string?)canceled.Json["status"]);
        Assert.NotNull(canceled.Json["endedAt"]);

        // Released at once, failed with the reason, and nothing of it is left running.
        var workspace = (await uma.GetAsync($"/api/workspaces/{id}")).Json;
        Assert.Equal("failed", (string?)workspace["status"]);
        Assert.Null(workspace["operation"]);
        Assert.Empty(AgentProcesses.Under(fixture.Host.DataDirectory, id));
        var events = (await uma.GetAsync($"/api/workspaces/{id}/events")).Json["items"]!.AsArray();
        var entry = Assert.Single(events, e => (string?)e!["kind"] == "provision.canceled");
        Assert.Equal("Canceled by uma: waited long enough", (string?)entry!["message"]);
        Assert.Equal("canceled", (string?)entry["reason"]);

        // Ended is ended: a second cancel is a 409, not a second compensation.
        Assert.Equal(HttpStatusCode.Conflict, (await uma.PostAsync($"/api/operations/{operation}/cancel", "{}")).Status);

        // A start takes it up (it blocks again, so it is canceled again, by the admin this time), then a delete removes it.
        var start = await uma.PostAsync($"/api/workspaces/{id}/start", "");
        Assert.Equal(HttpStatusCode.Accepted, start.Status);
        string second = (string)start.Json["operation"]!["id"]!;
        using var admin = fixture.Host.Admin();
        await Eventually.WaitAsync(() => admin.PostAsync($"/api/operations/{second}/cancel", ""), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the start to be cancelable");
        await uma.WaitForSettledAsync(id, "failed", TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Accepted, (await uma.DeleteAsync($"/api/workspaces/{id}")).Status);
        await Eventually.WaitAsync(() => uma.GetAsync($"/api/workspaces/{id}"), r => r.Status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(30), $"{id} to be deleted");
    }
}
