using System.Net;
using System.Net.Http.Headers;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Prebuilds;

/// <summary>
/// Warm pools end to end on a real local host with real agents: the pool fills, a create claims a ready member without
/// provisioning (the same agent process goes on), the pool refills, concurrent creates get exactly one claim, the
/// claimed workspace carries its owner's secret and its old agent token is refused, and a new version replaces the pool.
/// </summary>
[Collection(PrebuildCollection.Name)]
public sealed class PrebuildTests(PrebuildHost fixture)
{
    static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task BadPrebuilds_IsA400NamingTheField_AndStoresNothing()
    {
        using var admin = fixture.Host.Admin();
        foreach (string bad in new[] { "-1", "21", "null" })
        {
            var r = await admin.PostAsync("/api/templates", PrebuildHost.Template("bad-pool", 0).Replace("\"instances\": 0", $"\"instances\": {bad}", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.BadRequest, r.Status);
            Assert.Equal("application/problem+json", r.ContentType);
            Assert.NotNull(r.Json["errors"]!["prebuilds.instances"]);
        }

        var unknown = await admin.PostAsync("/api/templates", PrebuildHost.Template("bad-pool", 1).Replace("\"instances\": 1", "\"instances\": 1, \"parameters\": { \"nope\": 1 }", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains(unknown.Json["errors"]!.AsObject(), e => e.Key.StartsWith("prebuilds.parameters", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/templates/bad-pool")).Status);
    }

    [Fact]
    public async Task ThePoolFills_ACreateClaimsAMemberWithoutProvisioning_AndThePoolRefills_CountingAgainstNoQuota()
    {
        using var admin = fixture.Host.Admin();
        using var mia = await fixture.MemberAsync("mia");
        await admin.CreateTemplateAsync(PrebuildHost.Template("warm", 2));
        var pool = await fixture.WaitForReadyAsync("warm", 2);

        // Members are nobody's: in no list (not even an admin's), on no quota.
        Assert.DoesNotContain(pool, m => (admin.GetAsync("/api/workspaces").Result.Body).Contains(m.Id, StringComparison.Ordinal));
        Assert.Equal(0, (int)(await mia.GetAsync("/api/quotas/mia")).Json["usage"]!["workspaces"]!);
        var pids = pool.ToDictionary(m => m.Id, m => AgentProcesses.Under(fixture.Host.DataDirectory, m.Id).Single().Pid);

        var created = await mia.PostAsync("/api/workspaces", """{"name":"fast","template":"warm"}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string id = (string)created.Json["id"]!;
        Assert.Contains(id, pids.Keys);
        Assert.Equal("starting", (string?)created.Json["status"]);
        await mia.WaitForStatusAsync(id, "running", Ready);

        // The same agent process goes on (no provision ran), with what the pool's startup built.
        Assert.Equal(pids[id], AgentProcesses.Under(fixture.Host.DataDirectory, id).Single().Pid);
        Assert.True(File.Exists(Path.Combine(fixture.Host.DataDirectory, "workspaces", id, "built.txt")));
        var events = (await mia.GetAsync($"/api/workspaces/{id}/events?max=500")).Json["items"]!.AsArray();
        Assert.Contains(events, e => (string?)e!["kind"] == "prebuild.provisioned");
        var claimed = Assert.Single(events, e => (string?)e!["kind"] == "prebuild.claimed");
        Assert.Contains("Claimed by", (string?)claimed!["message"], StringComparison.Ordinal);
        Assert.Contains(events, e => (string?)e!["kind"] == "prebuild.personalized");
        string claimOperation = (string)created.Json["operation"]!["id"]!;
        Assert.DoesNotContain(events, e => (string?)e!["operationId"] == claimOperation && !((string?)e["kind"])!.StartsWith("prebuild.", StringComparison.Ordinal));
        Assert.Equal("succeeded", (string?)(await mia.GetAsync($"/api/operations/{claimOperation}")).Json["status"]);

        // It is hers now: in her list, on her quota; the pool refills to 2 without it.
        Assert.Contains(id, (await mia.GetAsync("/api/workspaces")).Body, StringComparison.Ordinal);
        Assert.Equal(1, (int)(await mia.GetAsync("/api/quotas/mia")).Json["usage"]!["workspaces"]!);
        var refilled = await fixture.WaitForReadyAsync("warm", 2);
        Assert.DoesNotContain(refilled, m => m.Id == id);
        var decided = (await admin.GetAsync($"/api/workspaces/{refilled.First(m => !pids.ContainsKey(m.Id)).Id}/events?max=50")).Json["items"]!.AsArray();
        Assert.Contains(decided, e => (string?)e!["kind"] == "prebuild.provisioned" && ((string?)e["message"])!.Contains("of 2 ready", StringComparison.Ordinal));
        await mia.DeleteAsync($"/api/workspaces/{id}");
        await fixture.EmptyPoolAsync("warm", 2);
    }

    [Fact]
    public async Task AClaimWhoseAgentNeverTakesTheHandover_FailsAfterTheDeadline_WithTheReasonOnTheTimeline_AndADeleteTakesItUp()
    {
        // A host of its own with a short deadline: this test waits the whole deadline out, and the collection's is 45 s.
        var own = new PrebuildHost(PrebuildHost.ShortHandoverTimeoutSeconds);
        await own.InitializeAsync();
        try
        {
            await AClaimStallsAsync(own);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    static async Task AClaimStallsAsync(PrebuildHost fixture)
    {
        using var admin = fixture.Host.Admin();
        using var ada = await fixture.MemberAsync("ada");
        await admin.CreateTemplateAsync(PrebuildHost.Template("stalled", 1));
        var member = Assert.Single(await fixture.WaitForReadyAsync("stalled", 1));

        // The member's agent is frozen (SIGSTOP): it never reads the handover, so nothing confirms the claim.
        int pid = AgentProcesses.Under(fixture.Host.DataDirectory, member.Id).Single().Pid;
        Signal("STOP", pid);
        try
        {
            var created = await ada.PostAsync("/api/workspaces", """{"name":"stalled","template":"stalled"}""");
            Assert.Equal(HttpStatusCode.Accepted, created.Status);
            string id = (string)created.Json["id"]!;
            Assert.Equal(member.Id, id);
            Assert.Equal("starting", (string?)created.Json["status"]);
            string claimOperation = (string)created.Json["operation"]!["id"]!;

            // Not left starting: after the deadline (plus a reconcile period) the claim fails and the workspace is released.
            var failed = await ada.WaitForSettledAsync(id, "failed", TimeSpan.FromSeconds(fixture.HandoverSeconds + 60));
            Assert.Contains("did not take over in time", (string?)failed.Json["failureReason"], StringComparison.Ordinal);
            // The workspace is released before its operation reads as ended (OperationCompletion), so that follows it.
            var operation = (await Eventually.WaitAsync(() => ada.GetAsync($"/api/operations/{claimOperation}"), r => (string?)r.Json["status"] != "running",
                TimeSpan.FromSeconds(30), $"the claim's operation {claimOperation} to end")).Json;
            Assert.Equal("failed", (string?)operation["status"]);
            var events = (await ada.GetAsync($"/api/workspaces/{id}/events?max=500")).Json["items"]!.AsArray();
            var expired = Assert.Single(events, e => (string?)e!["kind"] == "prebuild.handover_expired");
            Assert.Contains($"within {fixture.HandoverSeconds} s", (string?)expired!["message"], StringComparison.Ordinal);
            Assert.Contains(events, e => (string?)e!["kind"] == "provision.failed" && (string?)e["operationId"] == claimOperation);
            Assert.DoesNotContain(events, e => (string?)e!["kind"] == "prebuild.personalized");

            // A delete takes it up; the pool refills meanwhile.
            Assert.Equal(HttpStatusCode.Accepted, (await ada.DeleteAsync($"/api/workspaces/{id}")).Status);
            await Eventually.WaitAsync(() => ada.GetAsync($"/api/workspaces/{id}"), r => r.Status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(60), $"workspace {id} deleted");
            Assert.Empty(AgentProcesses.Under(fixture.Host.DataDirectory, id));
        }
        finally
        {
            Signal("CONT", pid);
            await fixture.EmptyPoolAsync("stalled", 2);
        }
    }

    static void Signal(string signal, int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    [Fact]
    public async Task EightConcurrentCreates_AgainstAPoolOfOne_GiveExactlyOneClaim_AndAllSucceed()
    {
        using var admin = fixture.Host.Admin();
        await admin.CreateTemplateAsync(PrebuildHost.Template("rush", 1));
        string member = (await fixture.WaitForReadyAsync("rush", 1)).Single().Id;
        var users = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => fixture.MemberAsync($"rush{i}")));
        var answers = await Task.WhenAll(users.Select(u => u.PostAsync("/api/workspaces", """{"name":"rush","template":"rush"}""")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
        var ids = answers.Select(a => (string)a.Json["id"]!).ToList();
        Assert.Equal(1, ids.Count(i => i == member));
        Assert.Equal(7, answers.Count(a => (string?)a.Json["status"] == "pending"));
        await Task.WhenAll(users.Select((u, i) => u.WaitForStatusAsync(ids[i], "running", TimeSpan.FromSeconds(180))));
        for (int i = 0; i < users.Length; i++)
        {
            await users[i].DeleteAsync($"/api/workspaces/{ids[i]}");
            users[i].Dispose();
        }

        await fixture.EmptyPoolAsync("rush", 2);
    }

    [Fact]
    public async Task AClaimedWorkspace_HasItsOwnersSecretInACommandsEnvironment_AndTheOldAgentTokenIsRefused()
    {
        using var admin = fixture.Host.Admin();
        string token = await fixture.MemberTokenAsync("sol");
        using var sol = new CoderApi(fixture.Host.BaseUrl, token);
        string secret = "pool-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await sol.SendAsync(HttpMethod.Put, "/api/users/me/secrets/API_TOKEN", $$"""{"value":"{{secret}}"}""")).Status);
        await admin.CreateTemplateAsync(PrebuildHost.Template("personal", 1));
        string member = (await fixture.WaitForReadyAsync("personal", 1)).Single().Id;
        string oldToken = SecurityHost.AgentEnvironment(AgentProcesses.Under(fixture.Host.DataDirectory, member).Single().Pid, "CODER_AGENT_TOKEN")!;
        Assert.Equal(HttpStatusCode.OK, await ManifestStatusAsync(oldToken));

        string id = await sol.CreateWorkspaceAsync("mine", "personal");
        Assert.Equal(member, id);
        await sol.WaitForStatusAsync(id, "running", Ready);
        Assert.Equal(HttpStatusCode.Unauthorized, await ManifestStatusAsync(oldToken));

        using var cli = new CliProcess();
        Assert.Equal(0, (await cli.RunAsync("login", fixture.Host.BaseUrl, "--token", token)).ExitCode);
        var printed = await Eventually.WaitAsync(() => cli.RunAsync("ssh", "mine", "--", "printenv", "API_TOKEN"), r => r.ExitCode == 0, TimeSpan.FromSeconds(30), "coder ssh to answer");
        Assert.Equal(secret, printed.Stdout.TrimEnd('\n'));
        await sol.DeleteAsync($"/api/workspaces/{id}");
        await fixture.EmptyPoolAsync("personal", 2);
    }

    [Fact]
    public async Task AHandoverAnswerThatIsLost_IsRedeemedWithTheOldToken_WhichRevokesTheLostToken_AndTheClaimRuns()
    {
        using var admin = fixture.Host.Admin();
        using var ivy = await fixture.MemberAsync("ivy");
        await admin.CreateTemplateAsync(PrebuildHost.Template("lossy", 1));
        string member = (await fixture.WaitForReadyAsync("lossy", 1)).Single().Id;
        int pid = AgentProcesses.Under(fixture.Host.DataDirectory, member).Single().Pid;
        string oldToken = SecurityHost.AgentEnvironment(pid, "CODER_AGENT_TOKEN")!;

        // The agent is frozen: the answer to its long poll in flight (the handover, with the new token) is never read.
        Signal("STOP", pid);
        string? id = null;
        try
        {
            id = await ivy.CreateWorkspaceAsync("lossy", "lossy");
            Assert.Equal(member, id);

            // The old token authenticates nothing now; once the lost answer can no longer arrive (the agent's HTTP timeout),
            // it redeems the handover again.
            var first = await Eventually.WaitAsync(() => ManifestAsync(oldToken), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(40),
                "the old token to redeem the lost handover", TimeSpan.FromSeconds(1));
            string lostToken = (string)first.Body!["token"]!;

            // Lost as well. This time the caller already holds the owner's config version (this owner has no secrets, so it
            // can hash like the claimed member's manifest): the answer is still a 200 with the token, never a 304 that drops it.
            string known = (string)first.Body["configVersion"]!;
            Assert.Equal(HttpStatusCode.Unauthorized, (await ManifestAsync(oldToken, known)).Status);
            var redeemed = await Eventually.WaitAsync(() => ManifestAsync(oldToken, known), r => r.Status != HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(40),
                "the old token to redeem the handover again", TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.OK, redeemed.Status);
            string newToken = (string)redeemed.Body!["token"]!;
            Assert.NotEqual(lostToken, newToken);
            Assert.Equal(HttpStatusCode.Unauthorized, (await ManifestAsync(lostToken)).Status);

            // The full read with the new token is the agent's confirm: the claim runs, and the old token is gone for good.
            Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(newToken)).Status);
            await ivy.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.Unauthorized, (await ManifestAsync(oldToken)).Status);
        }
        finally
        {
            Signal("CONT", pid);
            if (id is not null) await ivy.DeleteAsync($"/api/workspaces/{id}");
            await fixture.EmptyPoolAsync("lossy", 2);
        }
    }

    async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body)> ManifestAsync(string agentToken, string? knownVersion = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{fixture.Host.BaseUrl}/api/agent/manifest");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agentToken);
        if (knownVersion is not null) request.Headers.TryAddWithoutValidation("If-None-Match", $"\"{knownVersion}\"");
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.IsSuccessStatusCode ? System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null);
    }

    [Fact]
    public async Task ANewTemplateVersion_ReplacesThePool()
    {
        using var admin = fixture.Host.Admin();
        await admin.CreateTemplateAsync(PrebuildHost.Template("fresh", 1));
        string old = (await fixture.WaitForReadyAsync("fresh", 1)).Single().Id;
        var added = await admin.PostAsync("/api/templates/fresh/versions", PrebuildHost.Template("x", 1, "echo v2 > built.txt").Replace("\"name\": \"x\",", "", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, added.Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/templates/fresh/versions/2/promote", "{}")).Status);

        var replaced = await fixture.WaitForReadyAsync("fresh", 1, version: 2);
        Assert.NotEqual(old, replaced.Single().Id);
        await Eventually.WaitAsync(() => fixture.PoolAsync("fresh"), pool => pool.All(m => m.Id != old), TimeSpan.FromSeconds(60), "the v1 member to be deleted");
        var retired = await fixture.TimelineAsync(old);
        Assert.Contains(retired, e => e.Kind == "prebuild.retired" && e.Message.Contains("v1 is replaced by v2", StringComparison.Ordinal));
        await fixture.EmptyPoolAsync("fresh", 3);
    }

    async Task<HttpStatusCode> ManifestStatusAsync(string agentToken) => (await ManifestAsync(agentToken)).Status;
}
