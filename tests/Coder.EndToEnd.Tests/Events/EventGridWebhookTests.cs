using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Events;

/// <summary>The Event Grid webhook on the real local host: handshakes, keys, bad input, and each handled event end to end.</summary>
[Collection(SecondStorageCollection.Name)]
public sealed class EventGridWebhookTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = EventGridHost.Create(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Webhook_AnswersBothHandshakes_RefusesWrongKeysAndMalformedBodies_AcksUnknownTypes_WritingNothing()
    {
        using var hook = new CoderApi(_host.BaseUrl, null);
        string before = await TableSnapshot.CaptureAsync(storage.ConnectionString, _host.Prefix);

        // Event Grid schema: the official SubscriptionValidationEvent gets the documented response, with 200.
        string validation = EventGridHost.Sample("eventgrid-subscription-validation.json");
        var handshake = await hook.SendAsync(HttpMethod.Post, EventGridHost.WebhookPath(), validation, new Dictionary<string, string> { ["aeg-event-type"] = "SubscriptionValidation" });
        Assert.Equal(HttpStatusCode.OK, handshake.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(EventGridHost.Sample("eventgrid-subscription-validation-response.json")), handshake.Json), handshake.ToString());

        // CloudEvents 1.0 abuse protection: OPTIONS with WebHook-Request-Origin is answered with WebHook-Allowed-Origin.
        var options = await hook.SendAsync(HttpMethod.Options, EventGridHost.WebhookPath(), null, new Dictionary<string, string> { ["WebHook-Request-Origin"] = "eventgrid.azure.net" });
        Assert.Equal(HttpStatusCode.OK, options.Status);
        Assert.Equal("eventgrid.azure.net", options.Headers["WebHook-Allowed-Origin"]);
        Assert.Equal("*", options.Headers["WebHook-Allowed-Rate"]);
        var noOrigin = await hook.SendAsync(HttpMethod.Options, EventGridHost.WebhookPath());
        Assert.Equal(HttpStatusCode.BadRequest, noOrigin.Status);

        // A wrong or missing key is 401, for the handshakes too.
        foreach (string path in new[] { EventGridHost.WebhookPath("wrong-key"), EventGridHost.WebhookPath(EventGridHost.Key[..^1]), "/api/eventgrid" })
        {
            var post = await hook.SendAsync(HttpMethod.Post, path, validation);
            Assert.Equal(HttpStatusCode.Unauthorized, post.Status);
            Assert.Equal("application/problem+json", post.ContentType);
            Assert.False(post.Headers.ContainsKey("WebHook-Allowed-Origin"));
            var opt = await hook.SendAsync(HttpMethod.Options, path, null, new Dictionary<string, string> { ["WebHook-Request-Origin"] = "eventgrid.azure.net" });
            Assert.Equal(HttpStatusCode.Unauthorized, opt.Status);
            Assert.False(opt.Headers.ContainsKey("WebHook-Allowed-Origin"));
        }

        // Malformed bodies are 400 problem+json naming the field, even when a valid, handled event rides in the same batch.
        string requested = """{"specversion":"1.0","id":"r1","source":"/automation","type":"Coder.Workspace.Requested","data":{"owner":"dana","name":"never","template":"basic"}}""";
        var malformed = new (string Body, string Field)[]
        {
            ("{\"id\":", "body"),
            ("[]", "body"),
            ("""[{"hello":"world"}]""", "[0]"),
            ($$$"""[{{{requested}}},{"specversion":"1.0","id":"r2","type":"Coder.Workspace.Requested"}]""", "[1].source"),
            ($$$"""[{{{requested}}},{"specversion":"1.0","id":"r3","source":"/automation","type":"Coder.Workspace.Requested","data":{"name":"x","template":"basic"}}]""", "[1].data.owner"),
            ($$$"""[{{{requested}}},{"specversion":"1.0","id":"r4","source":"/automation","type":"Coder.Workspace.Requested","data":{"owner":"dana","colour":"blue"}}]""", "[1].data.colour"),
        };
        foreach (var (body, field) in malformed)
        {
            var r = await hook.SendAsync(HttpMethod.Post, EventGridHost.WebhookPath(), body);
            Assert.Equal(HttpStatusCode.BadRequest, r.Status);
            Assert.Equal("application/problem+json", r.ContentType);
            Assert.True(r.Json["errors"]![field] is not null, $"{field} not named in {r}");
        }

        // A batch of official samples (none about this deployment's workspaces or templates) plus an unknown type: all acknowledged, all ignored.
        var unknown = new JsonObject { ["id"] = "u1", ["eventType"] = "Contoso.Items.ItemShipped", ["subject"] = "items/1", ["eventTime"] = "2026-01-01T00:00:00Z", ["data"] = new JsonObject(), ["dataVersion"] = "1" };
        var batch = new JsonArray(EventGridHost.SampleObject("event-grid-schema.resource_write_success.json"), EventGridHost.SampleObject("event-grid-schema.resource_delete_success.json"), EventGridHost.SampleObject("event-grid-schema.blob_created.json"), unknown);
        var ack = await hook.SendAsync(HttpMethod.Post, EventGridHost.WebhookPath(), batch.ToJsonString(), new Dictionary<string, string> { ["aeg-event-type"] = "Notification" });
        Assert.Equal(HttpStatusCode.OK, ack.Status);
        Assert.Equal(4, (int)ack.Json["received"]!);
        Assert.Equal(4, (int)ack.Json["ignored"]!);
        var cloudBatch = new JsonArray(EventGridHost.SampleObject("cloud-events-schema.resource_write_success.json"), EventGridHost.SampleObject("cloud-events-schema.blob_created.json"));
        var cloudAck = await hook.SendAsync(HttpMethod.Post, EventGridHost.WebhookPath(), cloudBatch.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, cloudAck.Status);
        Assert.Equal(2, (int)cloudAck.Json["ignored"]!);

        // Refused calls leave audit rows, by design; everything else is untouched.
        string audit = _host.Prefix + "Audit";
        Assert.Equal(TableSnapshot.WithoutTable(before, audit), TableSnapshot.WithoutTable(await TableSnapshot.CaptureAsync(storage.ConnectionString, _host.Prefix), audit));
    }

    [Fact]
    public async Task ResourceDeleteSuccess_ForAWorkspacesResource_RepairsTheWorkspaceWithinThirtySeconds()
    {
        using var api = _host.Admin();
        using var hook = new CoderApi(_host.BaseUrl, null);
        await api.CreateTemplateAsync(Templates.Local("basic"));
        string id = await api.CreateWorkspaceAsync("dev", "basic");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));
        int oldPid = Assert.Single(AgentProcesses.Under(_host.DataDirectory, id)).Pid;
        string resourceId = await ResourceIdOfAsync(id);

        // The resource goes away behind the control plane's back: the agent is killed and its folder removed.
        System.Diagnostics.Process.GetProcessById(oldPid).Kill(entireProcessTree: true);
        await Eventually.WaitAsync(() => !AgentProcesses.IsAlive(oldPid), TimeSpan.FromSeconds(10), "the agent to die");
        Directory.Delete(resourceId, recursive: true);

        // The official ResourceDeleteSuccess sample, about this resource.
        var e = EventGridHost.SampleObject("event-grid-schema.resource_delete_success.json");
        e["subject"] = resourceId;
        e["data"]!["resourceUri"] = resourceId;
        e["data"]!["authorization"]!["scope"] = resourceId;
        var r = await hook.SendAsync(HttpMethod.Post, EventGridHost.WebhookPath(), new JsonArray(e).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(1, (int)r.Json["handled"]!);

        // Repaired well inside a reconcile timer period: a new agent in a recreated folder, ready, the workspace running.
        var deadline = TimeSpan.FromSeconds(30);
        await Eventually.WaitAsync(() => AgentProcesses.Under(_host.DataDirectory, id).Any(a => a.Pid != oldPid) && Directory.Exists(resourceId), deadline, "a new agent for the workspace");
        var workspace = await Eventually.WaitAsync(
            () => api.GetAsync($"/api/workspaces/{id}"),
            w => (string?)w.Json["status"] == "running" && (string?)w.Json["agent"]?["lifecycle"] == "ready" && w.Json["operation"] is null,
            deadline, "the workspace to be running again");
        Assert.Equal(HttpStatusCode.OK, workspace.Status);
        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        Assert.Contains(events, x => (string?)x!["kind"] == "reconcile.reprovision" && (string?)x["reason"] == "resource_missing" && ((string?)x["message"])!.Contains("resource_deleted", StringComparison.Ordinal));
        Assert.Contains(events, x => (string?)x!["kind"] == "start.succeeded");
    }

    [Fact]
    public async Task BlobCreatedInTemplates_AddsTemplateVersionsFromYamlOnce_AndWorkspaceRequested_CreatesAWorkspace()
    {
        using var api = _host.Admin();
        using var hook = new CoderApi(_host.BaseUrl, null);
        var container = new BlobServiceClient(storage.ConnectionString).GetBlobContainerClient(_host.Prefix + "templates");
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("yamlpy.yaml");

        await blob.UploadAsync(BinaryData.FromString(YamlSpec(maxReplicas: 1)), overwrite: true);
        var cloud = EventGridHost.SampleObject("cloud-events-schema.blob_created.json");
        cloud["subject"] = $"/blobServices/default/containers/{_host.Prefix}templates/blobs/yamlpy.yaml";
        cloud["data"]!["url"] = blob.Uri.ToString();
        var created = await hook.SendAsync(HttpMethod.Post, EventGridHost.WebhookPath(), cloud.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(1, (int)created.Json["handled"]!);
        var template = (await api.GetAsync("/api/templates/yamlpy")).Json;
        Assert.Equal(1.0, (double)template["spec"]!["resources"]!["cpu"]!);
        Assert.Equal(1, (int)template["spec"]!["limits"]!["maxReplicas"]!);

        // A changed upload, in the Event Grid schema, adds version 2; a redelivery of that event adds nothing.
        await blob.UploadAsync(BinaryData.FromString(YamlSpec(maxReplicas: 2)), overwrite: true);
        var eg = EventGridHost.SampleObject("event-grid-schema.blob_created.json");
        eg["subject"] = cloud["subject"]!.GetValue<string>();
        for (int delivery = 0; delivery < 2; delivery++)
        {
            var added = await hook.SendAsync(HttpMethod.Post, EventGridHost.WebhookPath(), new JsonArray(eg.DeepClone()).ToJsonString());
            Assert.Equal(HttpStatusCode.OK, added.Status);
            Assert.True((string?)added.Json["events"]![0]!["result"] == "handled", added.ToString());
            Assert.Contains(delivery == 0 ? "version 2 added" : "already has this spec", (string?)added.Json["events"]![0]!["detail"], StringComparison.Ordinal);
        }

        var versions = (await api.GetAsync("/api/templates/yamlpy")).Json["versions"]!.AsArray();
        Assert.Equal(2, versions.Count);

        // Automation asks for a workspace for carol; a redelivery creates no second one.
        string requested = """{"specversion":"1.0","id":"req-1","source":"/automation/onboarding","type":"Coder.Workspace.Requested","datacontenttype":"application/json","data":{"owner":"carol","name":"auto","template":"yamlpy"}}""";
        for (int delivery = 0; delivery < 2; delivery++)
        {
            var r = await hook.SendAsync(HttpMethod.Post, EventGridHost.WebhookPath(), requested);
            Assert.Equal(HttpStatusCode.OK, r.Status);
            Assert.Equal("handled", (string?)r.Json["events"]![0]!["result"]);
        }

        var mine = (await api.GetAsync("/api/workspaces")).Json["items"]!.AsArray().Where(w => (string?)w!["name"] == "auto").ToList();
        var auto = Assert.Single(mine)!;
        Assert.Equal("carol", (string?)auto["owner"]);
        await api.WaitForStatusAsync((string)auto["id"]!, "running", TimeSpan.FromSeconds(60));
    }

    static string YamlSpec(int maxReplicas) => $$"""
        name: yamlpy
        description: uploaded as YAML
        provisioner: local
        resources:
          cpu: 1
          memoryMiB: 512
        limits: { maxCpu: 2, maxMemoryMiB: 2048, maxReplicas: {{maxReplicas}} }
        startupScripts:
          - name: setup
            script: "true"
            timeoutSeconds: 60
            blocksReady: true
        agent:
          heartbeatSeconds: 5
          readyTimeoutSeconds: 60
        """;

    async Task<string> ResourceIdOfAsync(string workspaceId)
    {
        var table = new TableServiceClient(storage.ConnectionString).GetTableClient(_host.Prefix + "Workspaces");
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.RowKey == workspaceId))
        {
            return JsonNode.Parse(row.GetString("ResourceIds"))!.AsArray()[0]!.GetValue<string>();
        }

        throw new InvalidOperationException($"No row for {workspaceId}.");
    }
}
