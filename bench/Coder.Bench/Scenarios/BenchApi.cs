using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Coder.Bench.Scenarios;

/// <summary>The few API calls the scenarios make, as the admin.</summary>
static class BenchApi
{
    /// <summary>POST /api/templates: a small template on the no-op provisioner.</summary>
    public static async Task CreateTemplateAsync(HttpClient api, string name, CancellationToken cancellationToken) =>
        await CreateTemplateAsync(api, name, prebuilds: 0, cancellationToken);

    /// <summary>The bench template; <paramref name="prebuilds"/> above 0 gives it a warm pool of that size.</summary>
    public static async Task CreateTemplateAsync(HttpClient api, string name, int prebuilds, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["provisioner"] = NoOpProvisioner.ProvisionerName,
            ["resources"] = new JsonObject { ["cpu"] = 1, ["memoryMiB"] = 512 },
            ["limits"] = new JsonObject { ["maxCpu"] = 2, ["maxMemoryMiB"] = 1024, ["maxReplicas"] = 1 },
        };
        if (prebuilds > 0) body["prebuilds"] = new JsonObject { ["instances"] = prebuilds };
        using var response = await api.PostAsJsonAsync("/api/templates", body, cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Template {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>POST /api/workspaces; returns the new workspace's id.</summary>
    public static async Task<string> CreateWorkspaceAsync(HttpClient api, string name, string template, CancellationToken cancellationToken) =>
        (await CreateWorkspaceWithOperationAsync(api, name, template, cancellationToken)).Id;

    /// <summary>POST /api/workspaces; returns the new workspace's id and its provision operation's id.</summary>
    public static async Task<(string Id, string OperationId)> CreateWorkspaceWithOperationAsync(HttpClient api, string name, string template, CancellationToken cancellationToken)
    {
        using var response = await api.PostAsJsonAsync("/api/workspaces", new JsonObject { ["name"] = name, ["template"] = template }, cancellationToken);
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"POST workspace {name}: {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text);
        return ((string?)body?["id"] ?? throw new InvalidOperationException($"POST workspace {name} answered no id: {text}"),
            (string?)body?["operation"]?["id"] ?? throw new InvalidOperationException($"POST workspace {name} answered no operation: {text}"));
    }

    /// <summary>DELETE /api/workspaces/{id}; returns the delete operation's id.</summary>
    public static async Task<string> DeleteWorkspaceAsync(HttpClient api, string id, CancellationToken cancellationToken)
    {
        using var response = await api.DeleteAsync($"/api/workspaces/{id}", cancellationToken);
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"DELETE {id}: {(int)response.StatusCode} {text}");
        return (string?)JsonNode.Parse(text)?["operation"]?["id"] ?? throw new InvalidOperationException($"DELETE {id} answered no operation: {text}");
    }

    /// <summary>GET /api/workspaces/{id}; returns its status.</summary>
    public static async Task<string?> StatusAsync(HttpClient api, string id, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync($"/api/workspaces/{id}", cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {id} answered {(int)response.StatusCode}.");
        return (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))?["status"];
    }
}
