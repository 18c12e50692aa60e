using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Coder.Agent.Diagnostics;
using Coder.Agent.Runtime;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.ControlPlane;

/// <summary>
/// Fetches <c>GET /api/agent/manifest</c> with the agent token. Polls send <c>If-None-Match</c> with the current config
/// version (the control plane's ETag) so an unchanged manifest costs a 304. A manifest that carries a new token (the
/// answer after a warm-pool claim) rotates <paramref name="credential"/> before anything else reads it.
/// </summary>
public sealed class ManifestClient(HttpClient http, Uri baseUrl, AgentCredential credential, TimeProvider time, ILogger logger)
{
    readonly Uri _manifestUri = new(baseUrl, "api/agent/manifest");

    /// <summary>Fetches until it succeeds, redialing with backoff (100 ms to 10 s) while the control plane is unreachable.</summary>
    public async Task<AgentManifest> FetchInitialAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                var fetch = await FetchAsync(null, cancellationToken);
                if (fetch.Manifest is not null) return fetch.Manifest;
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                Log.ManifestUnavailable(logger, ex);
            }
            await Task.Delay(backoff.Next(), time, cancellationToken);
        }
    }

    /// <summary>One poll. <paramref name="currentVersion"/> goes out as If-None-Match.</summary>
    public Task<ManifestFetch> FetchAsync(string? currentVersion, CancellationToken cancellationToken) =>
        FetchAsync(currentVersion, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// One poll that the control plane may hold up to <paramref name="wait"/> while the manifest is unchanged (it does so
    /// only for an unclaimed warm-pool member).
    /// </summary>
    public async Task<ManifestFetch> FetchAsync(string? currentVersion, TimeSpan wait, CancellationToken cancellationToken)
    {
        var uri = wait > TimeSpan.Zero ? new Uri(_manifestUri, $"?wait={(int)wait.TotalSeconds}") : _manifestUri;
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.Token);
        if (currentVersion is not null) request.Headers.TryAddWithoutValidation("If-None-Match", Quote(currentVersion));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified) return new ManifestFetch(null);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET api/agent/manifest answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
        var manifest = await response.Content.ReadFromJsonAsync(CoderJsonContext.Default.AgentManifest, cancellationToken)
            ?? throw new HttpRequestException("GET api/agent/manifest answered an empty body.");
        if (manifest.Token is { Length: > 0 } rotated)
        {
            credential.Rotate(rotated);
            Log.TokenRotated(logger);
            manifest = manifest with { Token = null };
        }

        return new ManifestFetch(manifest);
    }

    public static bool IsTransient(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException;

    static string Quote(string version) => version.StartsWith('"') || version.StartsWith("W/", StringComparison.Ordinal) ? version : $"\"{version}\"";
}
