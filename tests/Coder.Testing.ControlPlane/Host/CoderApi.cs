using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A thin HTTP client for the API, speaking raw JSON so tests see exactly what a client sees. Every response is checked
/// against the OpenAPI document (<see cref="OpenApiValidatingHandler"/>).
/// </summary>
public sealed class CoderApi(string baseUrl, string? token) : IDisposable
{
    readonly HttpClient _http = new(new OpenApiValidatingHandler(new HttpClientHandler())) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? body = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        using var response = await _http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, text, response.Content.Headers.ContentType?.MediaType,
            response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    public Task<ApiResponse> PostAsync(string path, string body) => SendAsync(HttpMethod.Post, path, body);

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<ApiResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public async Task<JsonNode> CreateTemplateAsync(string json)
    {
        var r = await PostAsync("/api/templates", json);
        return r.Status == HttpStatusCode.Created ? r.Json : throw new InvalidOperationException($"Template creation failed: {r}");
    }

    /// <summary>Creates a workspace and returns its id.</summary>
    public async Task<string> CreateWorkspaceAsync(string name, string template)
    {
        var r = await PostAsync("/api/workspaces", $$"""{"name":"{{name}}","template":"{{template}}"}""");
        return r.Status == HttpStatusCode.Accepted ? r.Json["id"]!.GetValue<string>() : throw new InvalidOperationException($"Workspace creation failed: {r}");
    }

    public async Task<JsonNode> WaitForStatusAsync(string workspaceId, string status, TimeSpan timeout) =>
        (await Eventually.WaitAsync(() => GetAsync($"/api/workspaces/{workspaceId}"), r => r.Status == HttpStatusCode.OK && (string?)r.Json["status"] == status, timeout, $"workspace {workspaceId} to be {status}")).Json;

    /// <summary>Waits until the workspace has <paramref name="status"/> and no operation holds it (an operation may set its status before it ends).</summary>
    public async Task<ApiResponse> WaitForSettledAsync(string workspaceId, string status, TimeSpan timeout) =>
        await Eventually.WaitAsync(() => GetAsync($"/api/workspaces/{workspaceId}"), r => r.Status == HttpStatusCode.OK && (string?)r.Json["status"] == status && r.Json["operation"] is null,
            timeout, $"workspace {workspaceId} to be {status} with no operation running");

    public void Dispose() => _http.Dispose();
}
