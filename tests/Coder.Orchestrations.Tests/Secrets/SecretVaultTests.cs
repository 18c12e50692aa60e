using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Coder.Orchestrations.Secrets;

namespace Coder.Orchestrations.Tests.Secrets;

/// <summary>
/// Both vaults: the local one seals with AES-GCM bound to owner and name under a 0600 key file; the Key Vault one speaks
/// the Key Vault secrets REST API (7.4: PUT/GET/DELETE /secrets/{name}, bearer token for vault.azure.net) to a fake that
/// keeps secrets as Key Vault does, including 404 SecretNotFound.
/// </summary>
public sealed class SecretVaultTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "coder-vault-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task TheLocalVault_SealsAValueThatOpensOnlyForItsOwnerAndName_UnderAKeyFileOnlyItsUserReads()
    {
        var vault = new LocalSecretVault(Path.Combine(_dir, "secrets.key"));
        string sealedValue = await vault.SealAsync("alice", "API_TOKEN", "hunter2", CancellationToken.None);

        Assert.DoesNotContain("hunter2", Encoding.UTF8.GetString(Convert.FromBase64String(sealedValue)));
        Assert.NotEqual(sealedValue, await vault.SealAsync("alice", "API_TOKEN", "hunter2", CancellationToken.None)); // a fresh nonce each time
        Assert.Equal("hunter2", await vault.OpenAsync("alice", "API_TOKEN", sealedValue, CancellationToken.None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => vault.OpenAsync("bob", "API_TOKEN", sealedValue, CancellationToken.None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => vault.OpenAsync("alice", "OTHER", sealedValue, CancellationToken.None));
        if (OperatingSystem.IsLinux()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "secrets.key")));

        // A second vault on the same data folder (a restarted host) reads the same key.
        Assert.Equal("hunter2", await new LocalSecretVault(Path.Combine(_dir, "secrets.key")).OpenAsync("alice", "API_TOKEN", sealedValue, CancellationToken.None));
    }

    [Fact]
    public async Task TheKeyVaultVault_WritesANewSecretPerSet_ReadsItWithABearerToken_AndDeletesIt()
    {
        var fake = new FakeKeyVault();
        var vault = new KeyVaultSecretVault(new HttpClient(fake), new StaticCredential(), new Uri("https://kvu-test.vault.azure.net/"));

        string first = await vault.SealAsync("alice", "API_TOKEN", "v1", CancellationToken.None);
        string second = await vault.SealAsync("alice", "API_TOKEN", "v2", CancellationToken.None);
        Assert.NotEqual(first, second);
        Assert.Matches("^u-[0-9a-f]{24}-API-TOKEN-[0-9a-f]{12}$", first);
        Assert.DoesNotContain("alice", first); // the vault's names say nothing of who owns them
        Assert.Equal("v1", fake.Secrets[first]);
        Assert.All(fake.Requests, r => Assert.Equal(("Bearer", "token-for:https://vault.azure.net/.default", "api-version=7.4"), (r.Scheme, r.Token, r.Query)));

        Assert.Equal("v2", await vault.OpenAsync("alice", "API_TOKEN", second, CancellationToken.None));
        await vault.ForgetAsync(first, CancellationToken.None);
        Assert.False(fake.Secrets.ContainsKey(first));
        await vault.ForgetAsync(first, CancellationToken.None); // gone already: 404 SecretNotFound is fine

        var missing = await Assert.ThrowsAsync<HttpRequestException>(() => vault.OpenAsync("alice", "API_TOKEN", first, CancellationToken.None));
        Assert.Contains("SecretNotFound", missing.Message);
        Assert.DoesNotContain("v1", missing.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (DirectoryNotFoundException) { }
    }

    sealed class StaticCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("token-for:" + string.Join(' ', requestContext.Scopes), DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Key Vault's secrets API as documented: a SecretBundle {value, id} on PUT and GET, 404 {error: {code, message}}.</summary>
    sealed class FakeKeyVault : HttpMessageHandler
    {
        public Dictionary<string, string> Secrets { get; } = new(StringComparer.OrdinalIgnoreCase);
        public List<(string? Scheme, string? Token, string Query)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.Headers.Authorization?.Scheme, request.Headers.Authorization?.Parameter, request.RequestUri!.Query.TrimStart('?')));
            string[] path = request.RequestUri.AbsolutePath.Trim('/').Split('/');
            if (path is not ["secrets", var name]) return new HttpResponseMessage(HttpStatusCode.BadRequest);
            string id = $"https://kvu-test.vault.azure.net/secrets/{name}/0123456789abcdef";
            if (request.Method == HttpMethod.Put)
            {
                var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
                Secrets[name] = (string)body["value"]!;
                return Json(HttpStatusCode.OK, new JsonObject { ["value"] = Secrets[name], ["id"] = id });
            }

            if (!Secrets.TryGetValue(name, out var value))
                return Json(HttpStatusCode.NotFound, new JsonObject { ["error"] = new JsonObject { ["code"] = "SecretNotFound", ["message"] = $"A secret with (name/id) {name} was not found in this key vault." } });
            if (request.Method == HttpMethod.Delete)
            {
                Secrets.Remove(name);
                return Json(HttpStatusCode.OK, new JsonObject { ["recoveryId"] = id, ["id"] = id });
            }
            return Json(HttpStatusCode.OK, new JsonObject { ["value"] = value, ["id"] = id });
        }

        static HttpResponseMessage Json(HttpStatusCode status, JsonNode body) =>
            new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
