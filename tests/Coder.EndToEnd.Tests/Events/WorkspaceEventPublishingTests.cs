using System.Net;
using System.Text.Json;
using Azure.Messaging;
using Azure.Storage.Queues;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Events;

/// <summary>Lifecycle CloudEvents on the local host's <c>coder-events</c> queue, for a workspace created and deleted end to end.</summary>
[Collection(SecondStorageCollection.Name)]
public sealed class WorkspaceEventPublishingTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = EventGridHost.Create(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task WorkspaceCreatedAndDeleted_PublishesRunningThenDeleted_AsValidCloudEventsWithUniqueIds()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("basic"));
        string id = await api.CreateWorkspaceAsync("dev", "basic");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Accepted, (await api.DeleteAsync($"/api/workspaces/{id}")).Status);
        await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"), r => r.Status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(30), "the workspace to be deleted");

        // Base64 message encoding, as the control plane's queue clients use.
        var queue = new QueueClient(storage.ConnectionString, _host.Prefix + "coder-events", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        string source = $"/coder/workspaces/{id}";
        var raw = await Eventually.WaitAsync(
            async () => (await queue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).Where(b => b.Contains(source, StringComparison.Ordinal)).ToList(),
            list => list.Count >= 2, TimeSpan.FromSeconds(15), "two lifecycle events on coder-events");

        foreach (string json in raw)
        {
            // The CloudEvents 1.0 JSON format's required attributes, read as plain JSON, then by the SDK's strict parser.
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            Assert.Equal("1.0", root.GetProperty("specversion").GetString());
            foreach (string attribute in new[] { "id", "source", "type" }) Assert.False(string.IsNullOrEmpty(root.GetProperty(attribute).GetString()), attribute);
            Assert.Equal(source, root.GetProperty("source").GetString());
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("time").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.Equal(id, root.GetProperty("data").GetProperty("workspaceId").GetString());
        }

        // At least once: a retried activity may republish, always with the same id, so subscribers deduplicate by id.
        var events = raw.Select(json => CloudEvent.Parse(BinaryData.FromString(json), skipValidation: false)!).DistinctBy(e => e.Id).ToList();
        Assert.Equal(["Coder.Workspace.Running", "Coder.Workspace.Deleted"], events.Select(e => e.Type));
        Assert.NotEqual(events[0].Id, events[1].Id);
        Assert.True(events[0].Time <= events[1].Time);
    }
}
