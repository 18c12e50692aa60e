using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;

namespace Coder.Orchestrations.Secrets;

/// <summary>
/// Keeps values in Azure Key Vault (REST API 7.4) through the control plane's managed identity. Every set writes a new
/// vault secret under a fresh name (<c>u-{owner hash}-{NAME}-{random}</c>) and the row points at it, so a value never
/// changes under a name: opened values can be cached, and a delete never meets Key Vault's soft-deleted name conflict.
/// </summary>
public sealed class KeyVaultSecretVault(HttpClient http, TokenCredential credential, Uri vaultUri) : ISecretVault
{
    public const string ApiVersion = "7.4";
    static readonly string[] Scopes = ["https://vault.azure.net/.default"];
    const int CacheLimit = 10_000;
    readonly ConcurrentDictionary<string, string> _opened = new(StringComparer.Ordinal);

    public async Task<string> SealAsync(string owner, string name, string value, CancellationToken cancellationToken)
    {
        string vaultName = $"u-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(owner)))[..24]}-{name.Replace('_', '-')}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        var body = new JsonObject { ["value"] = value, ["contentType"] = "text/plain", ["tags"] = new JsonObject { ["coder-secret"] = name } };
        using var request = await RequestAsync(HttpMethod.Put, vaultName, cancellationToken);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, "set", cancellationToken);
        return vaultName;
    }

    public async Task<string> OpenAsync(string owner, string name, string sealedValue, CancellationToken cancellationToken)
    {
        if (_opened.TryGetValue(sealedValue, out var cached)) return cached;
        using var request = await RequestAsync(HttpMethod.Get, sealedValue, cancellationToken);
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, "read", cancellationToken);
        var bundle = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        string value = bundle.GetProperty("value").GetString() ?? "";
        if (_opened.Count >= CacheLimit) _opened.Clear();
        _opened[sealedValue] = value;
        return value;
    }

    public async Task ForgetAsync(string sealedValue, CancellationToken cancellationToken)
    {
        _opened.TryRemove(sealedValue, out _);
        using var request = await RequestAsync(HttpMethod.Delete, sealedValue, cancellationToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return; // Already gone.
        await EnsureSuccessAsync(response, "delete", cancellationToken);
    }

    async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string vaultName, CancellationToken cancellationToken)
    {
        var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken);
        var request = new HttpRequestMessage(method, new Uri(vaultUri, $"secrets/{vaultName}?api-version={ApiVersion}"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Token);
        return request;
    }

    /// <summary>A failure names the vault's error code and message (which never carry the value), not the body we sent.</summary>
    static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        string detail = "";
        try
        {
            var error = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (error.TryGetProperty("error", out var e)) detail = $": {e.GetProperty("code").GetString()} {e.GetProperty("message").GetString()}";
        }
        catch (JsonException)
        {
            // Not Key Vault's error shape: the status says enough.
        }
        throw new HttpRequestException($"Key Vault could not {what} a secret ({(int)response.StatusCode}){detail}", null, response.StatusCode);
    }
}
