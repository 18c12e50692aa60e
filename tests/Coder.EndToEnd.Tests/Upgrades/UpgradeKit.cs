using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Upgrades;

/// <summary>Helpers the upgrade tests share: template versions, waiting for an upgrade to end, and reading an agent's token.</summary>
public static class UpgradeKit
{
    /// <summary>A template spec for <c>POST /versions</c>: the local template without its name.</summary>
    public static string Version(string startupScript, int heartbeatSeconds = 2, bool blocksReady = true)
    {
        var spec = JsonNode.Parse(Templates.Local("x", startupScript, heartbeatSeconds, blocksReady))!.AsObject();
        spec.Remove("name");
        return spec.ToJsonString();
    }

    /// <summary>Adds a version and promotes it; returns its number.</summary>
    public static async Task<int> AddActiveVersionAsync(this CoderApi api, string template, string spec)
    {
        var created = await api.PostAsync($"/api/templates/{template}/versions", spec);
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        int version = created.Json["version"]!.GetValue<int>();
        var promoted = await api.PostAsync($"/api/templates/{template}/versions/{version}/promote", "");
        Assert.True(promoted.Status == HttpStatusCode.OK, promoted.ToString());
        return version;
    }

    /// <summary>Creates workspaces and waits until all run with a ready agent.</summary>
    public static async Task<List<string>> CreateRunningAsync(this CoderApi api, string template, int count, TimeSpan timeout)
    {
        var ids = new List<string>();
        for (int i = 0; i < count; i++) ids.Add(await api.CreateWorkspaceAsync($"w{i}", template));
        foreach (string id in ids) await api.WaitForReadyAsync(id, timeout);
        return ids;
    }

    public static async Task<JsonNode> WaitForReadyAsync(this CoderApi api, string id, TimeSpan timeout) =>
        (await Eventually.WaitAsync(() => api.GetAsync($"/api/workspaces/{id}"),
            r => r.Status == HttpStatusCode.OK && (string?)r.Json["status"] == "running" && (string?)r.Json["agent"]!["lifecycle"] == "ready" && r.Json["operation"] is null,
            timeout, $"workspace {id} to run with a ready agent and no operation", TimeSpan.FromMilliseconds(250))).Json;

    /// <summary>Waits for an operation to end and returns it.</summary>
    public static async Task<JsonNode> WaitForOperationAsync(this CoderApi api, string statusUrl, TimeSpan timeout) =>
        (await Eventually.WaitAsync(() => api.GetAsync(statusUrl),
            r => r.Status == HttpStatusCode.OK && (string?)r.Json["status"] is "succeeded" or "failed" or "canceled",
            timeout, $"operation {statusUrl} to end", TimeSpan.FromMilliseconds(250))).Json;

    public static async Task<List<string>> EventKindsAsync(this CoderApi api, string id) =>
        (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray().Select(e => (string)e!["kind"]!).ToList();

    /// <summary>The agent token the workspace's live agent process was started with, read from /proc like an operator would.</summary>
    public static string AgentToken(string dataDirectory, string workspaceId)
    {
        var (pid, _) = Assert.Single(AgentProcesses.Under(dataDirectory, workspaceId));
        string env = Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ"));
        return env.Split('\0').Single(e => e.StartsWith("CODER_AGENT_TOKEN=", StringComparison.Ordinal))["CODER_AGENT_TOKEN=".Length..];
    }

    public static async Task<HttpStatusCode> ManifestStatusAsync(string baseUrl, string agentToken)
    {
        using var agent = new CoderApi(baseUrl, agentToken);
        return (await agent.GetAsync("/api/agent/manifest")).Status;
    }
}
