using System.Net;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Hosting;

/// <summary>
/// The two hosts cannot drift: every function the Functions SDK lists in functions.metadata (what Azure will run) is
/// served by the running local host under the same name, route, methods, queue or schedule.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class FunctionDriftTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task EveryFunctionInMetadata_IsServedByTheLocalHost()
    {
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(BuildOutputs.FunctionsMetadata))!.AsArray();
        using var api = new CoderApi(_host.BaseUrl, null);
        var served = (await api.GetAsync("/_local/functions")).Json.AsArray()
            .ToDictionary(f => (string)f!["name"]!, f => f!);
        Assert.NotEmpty(metadata);

        var missing = new List<string>();
        foreach (var function in metadata)
        {
            string name = (string)function!["name"]!;
            var trigger = function["bindings"]!.AsArray().First(b => ((string)b!["type"]!).EndsWith("Trigger", StringComparison.Ordinal))!;
            string type = (string)trigger["type"]!;
            if (!served.TryGetValue(name, out var local)) { missing.Add($"{name}: not served"); continue; }
            switch (type)
            {
                case "httpTrigger":
                    string route = (string?)trigger["route"] ?? name;
                    var methods = trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant()).Order().ToList();
                    var localMethods = local["methods"]!.AsArray().Select(m => (string)m!).Order().ToList();
                    if ((string)local["kind"]! != "http" || (string)local["route"]! != $"api/{route}" || !methods.SequenceEqual(localMethods))
                        missing.Add($"{name}: metadata says {string.Join(',', methods)} api/{route}, local host serves {local.ToJsonString()}");
                    break;
                case "orchestrationTrigger":
                    if ((string)local["kind"]! != "orchestrator") missing.Add($"{name}: not an orchestrator locally");
                    break;
                case "activityTrigger":
                    if ((string)local["kind"]! != "activity") missing.Add($"{name}: not an activity locally");
                    break;
                case "queueTrigger":
                    if ((string)local["kind"]! != "queue" || (string?)local["route"] != (string?)trigger["queueName"]) missing.Add($"{name}: queue differs");
                    break;
                case "timerTrigger":
                    if ((string)local["kind"]! != "timer" || (string?)local["route"] != (string?)trigger["schedule"]) missing.Add($"{name}: schedule differs");
                    break;
                default:
                    missing.Add($"{name}: trigger {type} has no local counterpart");
                    break;
            }
        }

        Assert.True(missing.Count == 0, "Drift between functions.metadata and the local host:\n" + string.Join('\n', missing));
        Assert.Equal(metadata.Count, served.Count);
    }

    [Fact]
    public async Task EveryHttpFunction_AnswersAtItsRoute_NotTheFallback()
    {
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(BuildOutputs.FunctionsMetadata))!.AsArray();
        using var api = new CoderApi(_host.BaseUrl, null);
        foreach (var function in metadata)
        {
            var trigger = function!["bindings"]!.AsArray().FirstOrDefault(b => (string?)b!["type"] == "httpTrigger");
            if (trigger is null) continue;
            string path = "/api/" + System.Text.RegularExpressions.Regex.Replace((string)trigger["route"]!, "{[^}]+}", "probe");
            foreach (var method in trigger["methods"]!.AsArray().Select(m => (string)m!))
            {
                var response = await api.SendAsync(new HttpMethod(method.ToUpperInvariant()), path, method == "get" ? null : "{}");
                Assert.True(response.Status != HttpStatusCode.MethodNotAllowed && !response.Body.Contains("No such route.", StringComparison.Ordinal),
                    $"{method} {path} did not reach function {function["name"]}: {response}");
                Assert.True(response.Headers.ContainsKey("x-request-id"), $"{method} {path} has no x-request-id");
            }
        }
    }
}
