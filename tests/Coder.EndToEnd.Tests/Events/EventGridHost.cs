using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Events;

/// <summary>What the Event Grid tests share: the webhook key the host is started with, and the official samples.</summary>
public static class EventGridHost
{
    public const string Key = "test-eventgrid-key-0123456789abcdef";

    public static string WebhookPath(string key = Key) => $"/api/eventgrid?key={Uri.EscapeDataString(key)}";

    public static LocalHostProcess Create(string storageConnectionString) =>
        new(storageConnectionString, extraEnvironment: new Dictionary<string, string> { ["CODER_EVENTGRID_KEY"] = Key });

    public static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", "Samples", name));

    public static JsonObject SampleObject(string name) => JsonNode.Parse(Sample(name))!.AsObject();
}
