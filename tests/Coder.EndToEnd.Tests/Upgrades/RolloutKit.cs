using System.Net;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Upgrades;

/// <summary>Starting rollouts and reading their status.</summary>
public static class RolloutKit
{
    public static async Task<string> StartRolloutAsync(this CoderApi api, string template, int version, double canaryPercent, int batchSize, double bakeMinutes, double maxFailedPercent)
    {
        var body = $$"""{"version":{{version}},"strategy":"canary","canaryPercent":{{canaryPercent}},"batchSize":{{batchSize}},"bakeMinutes":{{bakeMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"maxFailedPercent":{{maxFailedPercent}}}""";
        var r = await api.PostAsync($"/api/templates/{template}/rollouts", body);
        Assert.True(r.Status == HttpStatusCode.Accepted, r.ToString());
        Assert.Equal($"/api/rollouts/{r.Json["id"]}", (string?)r.Json["statusUrl"]);
        return (string)r.Json["id"]!;
    }

    public static async Task<JsonNode> WaitForRolloutAsync(this CoderApi api, string id, Func<JsonNode, bool> until, TimeSpan timeout, string what) =>
        (await Eventually.WaitAsync(() => api.GetAsync($"/api/rollouts/{id}"), r => r.Status == HttpStatusCode.OK && until(r.Json), timeout, what, TimeSpan.FromMilliseconds(250))).Json;

    public static Task<JsonNode> WaitForRolloutEndAsync(this CoderApi api, string id, TimeSpan timeout) =>
        api.WaitForRolloutAsync(id, j => (string?)j["status"] is "succeeded" or "failed" or "aborted", timeout, $"rollout {id} to end");

    public static JsonArray Batches(this JsonNode rollout) => rollout["batches"]!.AsArray();

    public static IEnumerable<JsonNode> Workspaces(this JsonNode rollout) => rollout["workspaces"]!.AsArray().Select(w => w!);

    public static DateTimeOffset Time(this JsonNode node, string field) => node[field]!.GetValue<DateTimeOffset>();
}
