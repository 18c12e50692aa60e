using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>Agent tokens with real agent processes: bound to their workspace, rotated with every build, and never written to a log.</summary>
[Collection(SecurityCollection.Name)]
public sealed class AgentTokenTests(SecurityHost fixture)
{
    [Fact]
    public async Task AgentToken_SpoofingAnotherWorkspace_IsRejectedLoggedAndChangesNothing()
    {
        string tokenA = await fixture.AgentTokenOfAsync(fixture.AliceWorkspace);
        int bobAgentPid = AgentProcesses.Under(fixture.Host.DataDirectory, fixture.BobWorkspace).First().Pid;
        string agentB = SecurityHost.AgentEnvironment(bobAgentPid, "CODER_AGENT_ID")!;
        string agentA = SecurityHost.AgentEnvironment(AgentProcesses.Under(fixture.Host.DataDirectory, fixture.AliceWorkspace).First().Pid, "CODER_AGENT_ID")!;
        using var agentApi = new CoderApi(fixture.Host.BaseUrl, tokenA);
        using var root = fixture.Api("root");

        // Control: the same kind of message for A's own workspace is accepted, so the refusals below are the token check.
        string ownMarker = "own-" + Guid.NewGuid().ToString("N")[..8];
        var own = await agentApi.PostAsync("/api/agent/events", Batch(Log(fixture.AliceWorkspace, agentA, 900_001, ownMarker)));
        Assert.Equal(HttpStatusCode.Accepted, own.Status);
        Assert.Equal(1, (int)own.Json["accepted"]!);
        await Eventually.WaitAsync(() => root.GetAsync($"/api/workspaces/{fixture.AliceWorkspace}/events"), r => r.Body.Contains(ownMarker, StringComparison.Ordinal), TimeSpan.FromSeconds(20), "A's own log line");

        // HTTP transport: A's token, B's workspace — a log line and a "ready" that would flip B to running.
        string spoofMarker = "spoof-" + Guid.NewGuid().ToString("N")[..8];
        string before = await LogLinesFor(fixture.BobWorkspace, fixture.AliceWorkspace);
        var spoof = await agentApi.PostAsync("/api/agent/events", Batch(Log(fixture.BobWorkspace, agentB, 900_002, spoofMarker), Lifecycle(fixture.BobWorkspace, agentB, 900_003, "ready")));
        Assert.Equal(HttpStatusCode.Accepted, spoof.Status);
        Assert.Equal(0, (int)spoof.Json["accepted"]!);

        // Queue transport: the token inside the envelope.
        var queue = new QueueClient(fixture.ConnectionString, fixture.Host.Prefix + "agent-events", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.SendMessageAsync(JsonSerializer.Serialize(Envelope(fixture.BobWorkspace, agentB, 900_004, "log", new { source = "spoof", stream = "stdout", lines = new[] { spoofMarker } }, tokenA)));
        await queue.SendMessageAsync(JsonSerializer.Serialize(Envelope(fixture.BobWorkspace, agentB, 900_005, "lifecycle", new { state = "ready" }, tokenA)));

        // Logged: four refusals naming both workspaces (the metric counting them is covered in AgentTokenServiceTests).
        await Eventually.WaitAsync(async () => Count(await LogLinesFor(fixture.BobWorkspace, fixture.AliceWorkspace)) - Count(before), n => n >= 4, TimeSpan.FromSeconds(30), "four logged refusals");
        await Eventually.WaitAsync(() => queue.GetPropertiesAsync(), p => p.Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(30), "the queue to drain");

        // Nothing of it reached B.
        var b = await root.GetAsync($"/api/workspaces/{fixture.BobWorkspace}");
        Assert.NotEqual("ready", (string?)b.Json["agent"]!["lifecycle"]);
        Assert.NotEqual("running", (string?)b.Json["status"]);
        Assert.DoesNotContain(spoofMarker, (await root.GetAsync($"/api/workspaces/{fixture.BobWorkspace}/events")).Body, StringComparison.Ordinal);
        Assert.DoesNotContain(spoofMarker, (await root.GetAsync($"/api/workspaces/{fixture.AliceWorkspace}/events")).Body, StringComparison.Ordinal);

        // And an agent token is no API token, and an API token is no agent token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await agentApi.GetAsync($"/api/workspaces/{fixture.AliceWorkspace}")).Status);
        using var alice = fixture.Api("alice");
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.GetAsync("/api/agent/manifest")).Status);
    }

    [Fact]
    public async Task AgentToken_AcceptsOnlyTheAgentIdsIssuedWithIt()
    {
        string tokenA = await fixture.AgentTokenOfAsync(fixture.AliceWorkspace);
        string agentA = SecurityHost.AgentEnvironment(AgentProcesses.Under(fixture.Host.DataDirectory, fixture.AliceWorkspace).First().Pid, "CODER_AGENT_ID")!;
        string agentB = SecurityHost.AgentEnvironment(AgentProcesses.Under(fixture.Host.DataDirectory, fixture.BobWorkspace).First().Pid, "CODER_AGENT_ID")!;
        using var agentApi = new CoderApi(fixture.Host.BaseUrl, tokenA);
        using var root = fixture.Api("root");

        // A's token and A's workspace, but agent ids the provisioner never issued with it: another workspace's agent, a
        // replica of A's build beyond the ones the token was issued for, and a made-up id.
        string beyond = agentA[..(agentA.LastIndexOf("-r", StringComparison.Ordinal) + 2)] + "7";
        string marker = "foreign-" + Guid.NewGuid().ToString("N")[..8];
        var foreign = await agentApi.PostAsync("/api/agent/events", Batch(
            Log(fixture.AliceWorkspace, agentB, 910_001, marker),
            Log(fixture.AliceWorkspace, beyond, 910_002, marker),
            Log(fixture.AliceWorkspace, "made-up-agent", 910_003, marker),
            Lifecycle(fixture.AliceWorkspace, beyond, 910_004, "shutting_down")));
        Assert.Equal(HttpStatusCode.Accepted, foreign.Status);
        Assert.Equal(0, (int)foreign.Json["accepted"]!);

        // The same through the queue, with the token inside the envelope.
        var queue = new QueueClient(fixture.ConnectionString, fixture.Host.Prefix + "agent-events", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.SendMessageAsync(JsonSerializer.Serialize(Envelope(fixture.AliceWorkspace, beyond, 910_005, "log", new { source = "test", stream = "stdout", lines = new[] { marker } }, tokenA)));

        // Control: the issued id with the same token is accepted, and lands after the refused ones were handled.
        string ownMarker = "issued-" + Guid.NewGuid().ToString("N")[..8];
        await queue.SendMessageAsync(JsonSerializer.Serialize(Envelope(fixture.AliceWorkspace, agentA, 910_006, "log", new { source = "test", stream = "stdout", lines = new[] { ownMarker } }, tokenA)));
        await Eventually.WaitAsync(() => root.GetAsync($"/api/workspaces/{fixture.AliceWorkspace}/events"), r => r.Body.Contains(ownMarker, StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the issued agent's log line");
        await Eventually.WaitAsync(() => queue.GetPropertiesAsync(), p => p.Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(30), "the queue to drain");

        var workspace = await root.GetAsync($"/api/workspaces/{fixture.AliceWorkspace}");
        Assert.NotEqual("shutting_down", (string?)workspace.Json["agent"]!["lifecycle"]);
        Assert.DoesNotContain(marker, (await root.GetAsync($"/api/workspaces/{fixture.AliceWorkspace}/events?max=1000")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_RotatesTheAgentToken_OldStopsWorking_AndScriptsRunInsideTheWorkspace()
    {
        using var alice = fixture.Api("alice");
        var (id, first) = await RunningQuickWorkspaceAsync(alice, "rot");
        using (var old = new CoderApi(fixture.Host.BaseUrl, first)) Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/api/agent/manifest")).Status);
        AssertScriptRanInsideWorkspace(id);

        var restart = await alice.PostAsync($"/api/workspaces/{id}/restart", "");
        Assert.Equal(HttpStatusCode.Accepted, restart.Status);
        string second = await fixture.AgentTokenOfAsync(id, notThis: first);
        await alice.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));
        Assert.NotEqual(first, second);

        using var stale = new CoderApi(fixture.Host.BaseUrl, first);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stale.GetAsync("/api/agent/manifest")).Status);
        var staleEvents = await stale.PostAsync("/api/agent/events", Batch(Log(id, "x", 1, "stale")));
        Assert.Equal(HttpStatusCode.Unauthorized, staleEvents.Status);
        using var current = new CoderApi(fixture.Host.BaseUrl, second);
        Assert.Equal(HttpStatusCode.OK, (await current.GetAsync("/api/agent/manifest")).Status);
        AssertScriptRanInsideWorkspace(id);
    }

    [Fact]
    public async Task StopAndDelete_RevokeTheAgentToken_OnManifestHttpAndQueue_AndStartIssuesANewOne()
    {
        using var admin = fixture.Host.Admin();
        using var alice = fixture.Api("alice");
        var (id, first) = await RunningQuickWorkspaceAsync(alice, "revoke");
        string agentId = SecurityHost.AgentEnvironment(AgentProcesses.Under(fixture.Host.DataDirectory, id).First().Pid, "CODER_AGENT_ID")!;

        // The agent's lifecycle reports left redelivery markers; the stop takes them with the revoked token.
        Assert.NotEqual(0, await RedeliveryMarkersAsync(id));
        Assert.Equal(HttpStatusCode.Accepted, (await alice.PostAsync($"/api/workspaces/{id}/stop", "")).Status);
        await alice.WaitForStatusAsync(id, "stopped", TimeSpan.FromSeconds(60));
        await AssertRevokedAsync(id, agentId, first, "stopped");
        Assert.Equal(0, await RedeliveryMarkersAsync(id));

        // Start is a new build with a new token; the stopped one stays refused.
        Assert.Equal(HttpStatusCode.Accepted, (await alice.PostAsync($"/api/workspaces/{id}/start", "")).Status);
        string second = await fixture.AgentTokenOfAsync(id, notThis: first);
        await alice.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));
        using (var current = new CoderApi(fixture.Host.BaseUrl, second)) Assert.Equal(HttpStatusCode.OK, (await current.GetAsync("/api/agent/manifest")).Status);
        using (var stale = new CoderApi(fixture.Host.BaseUrl, first)) Assert.Equal(HttpStatusCode.Unauthorized, (await stale.GetAsync("/api/agent/manifest")).Status);

        Assert.Equal(HttpStatusCode.Accepted, (await alice.DeleteAsync($"/api/workspaces/{id}")).Status);
        await Eventually.WaitAsync(() => admin.GetAsync($"/api/workspaces/{id}"), r => r.Status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(60), "the workspace to be deleted");
        await AssertRevokedAsync(id, agentId, second, "deleted");
    }

    /// <summary>The redelivery markers of every agent the workspace had (agent ids start with the workspace id).</summary>
    async Task<int> RedeliveryMarkersAsync(string workspaceId)
    {
        int count = 0;
        var markers = new TableClient(fixture.ConnectionString, fixture.Host.Prefix + "AgentSeqs");
        await foreach (var _ in markers.QueryAsync<TableEntity>($"PartitionKey ge '{workspaceId}-' and PartitionKey lt '{workspaceId}.'", select: ["RowKey"])) count++;
        return count;
    }

    /// <summary>The token gets 401 on the manifest and the HTTP transport, and its queued envelopes change nothing.</summary>
    async Task AssertRevokedAsync(string workspaceId, string agentId, string token, string state)
    {
        using var stale = new CoderApi(fixture.Host.BaseUrl, token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stale.GetAsync("/api/agent/manifest")).Status);
        string httpMarker = $"http-{state}-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Unauthorized, (await stale.PostAsync("/api/agent/events", Batch(Log(workspaceId, agentId, 800_001, httpMarker)))).Status);

        string queueMarker = $"queue-{state}-" + Guid.NewGuid().ToString("N")[..8];
        var queue = new QueueClient(fixture.ConnectionString, fixture.Host.Prefix + "agent-events", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.SendMessageAsync(JsonSerializer.Serialize(Envelope(workspaceId, agentId, 800_002, "log", new { source = "stale", stream = "stdout", lines = new[] { queueMarker } }, token)));
        await queue.SendMessageAsync(JsonSerializer.Serialize(Envelope(workspaceId, agentId, 800_003, "heartbeat", new { }, token)));
        await Eventually.WaitAsync(() => queue.GetPropertiesAsync(), p => p.Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(30), "the queue to drain");

        var rows = new TableClient(fixture.ConnectionString, fixture.Host.Prefix + "WorkspaceEvents").QueryAsync<TableEntity>($"PartitionKey eq '{workspaceId}'");
        await foreach (var row in rows)
        {
            string text = string.Join(' ', row.Select(p => p.Value?.ToString()));
            Assert.DoesNotContain(queueMarker, text, StringComparison.Ordinal);
            Assert.DoesNotContain(httpMarker, text, StringComparison.Ordinal);
        }

        using var root = fixture.Api("root");
        if (state == "stopped") Assert.NotEqual("connected", (string?)(await root.GetAsync($"/api/workspaces/{workspaceId}")).Json["agent"]!["connection"]);
    }

    [Fact]
    public async Task Secrets_NeverInLogsTimelineProblemsOrAudit()
    {
        using var admin = fixture.Host.Admin();
        var created = await admin.PostAsync("/api/tokens", """{"name":"short-lived","roles":["member"],"user":"carol","expiresInDays":1}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        string carol = (string)created.Json["token"]!;
        string agentToken = await fixture.AgentTokenOfAsync(fixture.AliceWorkspace);

        // Use every secret wrongly, so each has had its chance to be echoed or logged.
        var answers = new List<string>();
        foreach (string secret in new[] { carol, agentToken, fixture.Tokens["revoked"], fixture.Tokens["expired"], LocalHostProcess.AdminToken })
        {
            using var api = new CoderApi(fixture.Host.BaseUrl, secret);
            answers.Add((await api.GetAsync("/api/agent/manifest")).Body);
            answers.Add((await api.PostAsync("/api/workspaces", """{"name":"Bad!","template":"sleepy"}""")).Body);
            answers.Add((await api.GetAsync($"/api/workspaces/{fixture.BobWorkspace}")).Body);
            answers.Add((await api.PostAsync("/api/tokens", $$"""{"name":"{{secret[..8]}}","roles":["nope"],"user":"u","expiresInDays":1}""")).Body);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/tokens/short-lived")).Status);
        using (var revoked = new CoderApi(fixture.Host.BaseUrl, carol)) answers.Add((await revoked.GetAsync("/api/workspaces")).Body);

        var secrets = fixture.Tokens.Values.Append(carol).Append(agentToken).Append(LocalHostProcess.AdminToken)
            .Concat(AgentProcesses.Under(fixture.Host.DataDirectory).Select(p => SecurityHost.AgentEnvironment(p.Pid, "CODER_AGENT_TOKEN")).OfType<string>())
            .Distinct().ToList();
        var places = new Dictionary<string, string>
        {
            ["local host output"] = fixture.Host.Output,
            ["responses"] = string.Join('\n', answers),
            ["audit"] = (await admin.GetAsync("/api/audit?max=1000")).Body,
            ["timeline A"] = (await admin.GetAsync($"/api/workspaces/{fixture.AliceWorkspace}/events?max=1000")).Body,
            ["timeline B"] = (await admin.GetAsync($"/api/workspaces/{fixture.BobWorkspace}/events?max=1000")).Body,
        };
        foreach (string log in Directory.EnumerateFiles(fixture.Host.DataDirectory, "*.log", SearchOption.AllDirectories))
            places[log] = await ReadSharedAsync(log);

        Assert.True(places["local host output"].Length > 0, "no host output was captured");
        foreach (var (place, text) in places)
            foreach (string secret in secrets)
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"A token ({secret[..6]}…) appears in {place}.");
    }

    void AssertScriptRanInsideWorkspace(string workspaceId)
    {
        var agent = AgentProcesses.Under(fixture.Host.DataDirectory, workspaceId).First();
        string dir = SecurityHost.AgentEnvironment(agent.Pid, "CODER_WORKSPACE_DIR")!;
        Assert.StartsWith(fixture.Host.DataDirectory, dir, StringComparison.Ordinal);
        Assert.Equal(dir, File.ReadAllText(Path.Combine(dir, "where.txt")).Trim());
        int parent = int.Parse(File.ReadAllText(Path.Combine(dir, "parent.txt")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(fixture.Host.ProcessId, parent);

        // The script names its parent by the pid it sees: in a sandbox, the agent's pid in the workspace's pid namespace.
        Assert.Contains(parent, NamespacePids(agent.Pid));
    }

    /// <summary>A process's pid in each pid namespace it is in, outermost first (the NSpid line of its status).</summary>
    static IReadOnlyList<int> NamespacePids(int pid) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("NSpid:", StringComparison.Ordinal))
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    async Task<string> LogLinesFor(string claimed, string tokenOwner)
    {
        await Task.Yield();
        return string.Join('\n', fixture.Host.Output.Split('\n').Where(l => l.Contains("Refused an agent message", StringComparison.Ordinal) && l.Contains(claimed, StringComparison.Ordinal) && l.Contains(tokenOwner, StringComparison.Ordinal)));
    }

    static int Count(string lines) => lines.Length == 0 ? 0 : lines.Split('\n').Length;

    /// <summary>A running workspace of alice's whose script records where it ran, and its agent's token.</summary>
    async Task<(string Id, string Token)> RunningQuickWorkspaceAsync(CoderApi alice, string name)
    {
        using (var admin = fixture.Host.Admin()) await EnsureTemplateAsync(admin, "quick", "echo $PPID > parent.txt; pwd > where.txt");
        string id = await alice.CreateWorkspaceAsync(name, "quick");
        await alice.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));
        return (id, await fixture.AgentTokenOfAsync(id));
    }

    static async Task EnsureTemplateAsync(CoderApi admin, string name, string script)
    {
        var r = await admin.PostAsync("/api/templates", Templates.Local(name, script, heartbeatSeconds: 2));
        Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, r.ToString());
    }

    static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    static string Batch(params object[] envelopes) => JsonSerializer.Serialize(new { events = envelopes });

    static object Log(string workspaceId, string agentId, long seq, string line) =>
        Envelope(workspaceId, agentId, seq, "log", new { source = "test", stream = "stdout", lines = new[] { line } });

    static object Lifecycle(string workspaceId, string agentId, long seq, string state) =>
        Envelope(workspaceId, agentId, seq, "lifecycle", new { state });

    static Dictionary<string, object?> Envelope(string workspaceId, string agentId, long seq, string type, object payload, string? token = null)
    {
        var envelope = new Dictionary<string, object?>
        {
            ["workspaceId"] = workspaceId,
            ["agentId"] = agentId,
            ["seq"] = seq,
            ["sentAt"] = DateTimeOffset.UtcNow,
            ["type"] = type,
            ["payload"] = payload,
        };
        if (token is not null) envelope["token"] = token;
        return envelope;
    }
}
