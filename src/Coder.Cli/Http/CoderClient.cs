using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Coder.Contracts.Errors;
using Coder.Contracts.Json;

namespace Coder.Cli.Http;

/// <summary>The API over HTTP, and nothing else: bodies are the Contracts types, errors become <see cref="ApiException"/>.</summary>
public sealed class CoderClient : IDisposable
{
    readonly HttpClient _http;

    public CoderClient(string baseUrl, string? token, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/");
        _http.Timeout = TimeSpan.FromSeconds(100);
        if (token is { Length: > 0 }) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("coder-cli", typeof(CoderClient).Assembly.GetName().Version?.ToString() ?? "1.0"));
    }

    public Task<ApiResponse> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, null, cancellationToken);

    public Task<ApiResponse> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, null, null, cancellationToken);

    public Task<ApiResponse> PostAsync<T>(string path, T body, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body, type), null, cancellationToken);

    public Task<ApiResponse> PatchAsync<T>(string path, T body, JsonTypeInfo<T> type, string? ifMatch, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, path, JsonSerializer.Serialize(body, type), ifMatch, cancellationToken);

    public Task<ApiResponse> PutJsonAsync(string path, string json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, json, null, cancellationToken);

    /// <summary>Posts JSON as given (a spec file the user wrote), so the server, not the CLI, judges its fields.</summary>
    public Task<ApiResponse> PostJsonAsync(string path, string? json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, json, null, cancellationToken);

    async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json, string? ifMatch, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (ifMatch is { Length: > 0 }) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await _http.SendAsync(request, cancellationToken);
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new ApiException(ToProblem(response.StatusCode, text));
        JsonNode? body = text.Length == 0 ? null : JsonNode.Parse(text);
        return new ApiResponse(response.StatusCode, body, response.Headers.ETag?.ToString() ?? Header(response, "ETag"), response.Headers.Location?.ToString());
    }

    static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    static ApiProblem ToProblem(HttpStatusCode status, string text)
    {
        try
        {
            if (text.Length > 0 && JsonSerializer.Deserialize(text, CoderJsonContext.Default.ApiProblem) is { } problem) return problem;
        }
        catch (JsonException)
        {
            // Not problem+json (a proxy's page, say): report the status and the text below.
        }

        return new ApiProblem { Title = status.ToString(), Status = (int)status, Detail = text.Length > 300 ? text[..300] : text.Length > 0 ? text : null };
    }

    public void Dispose() => _http.Dispose();
}
