using System.Net;
using System.Text;
using Azure.Data.Tables;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Orchestrations.Security;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// One local host with the callers the security tests need: two members (alice, bob), a template-admin (tess), an
/// admin (root), an expired and a revoked token. Alice and bob each own a workspace named "dev" whose startup script
/// blocks, so its provision operation stays running (workspace operations answer 409 to whoever may act, without side
/// effects) while a real agent holds a real agent token.
/// </summary>
public sealed class SecurityHost : IAsyncLifetime
{
    public const string Sleepy = "sleepy";

    readonly TestStorage _storage = new();

    public LocalHostProcess Host { get; private set; } = null!;

    /// <summary>A host folder sandboxed workspaces see read-only (CODER_LOCAL_REPOSITORY_ROOTS): tests keep file:// repositories here.</summary>
    public string RepositoryRoot { get; } = Path.Combine(Path.GetTempPath(), "coder-e2e-repos-" + Guid.NewGuid().ToString("N")[..8]);
    public string ConnectionString => _storage.ConnectionString;
    public IReadOnlyDictionary<string, string> Tokens { get; private set; } = new Dictionary<string, string>();
    public string AliceWorkspace { get; private set; } = "";
    public string AliceOperation { get; private set; } = "";
    public string BobWorkspace { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await _storage.InitializeAsync();
        Directory.CreateDirectory(RepositoryRoot);
        Host = new LocalHostProcess(_storage.ConnectionString, extraEnvironment: new Dictionary<string, string>
        {
            ["CODER_LOCAL_REPOSITORY_ROOTS"] = RepositoryRoot,
            // Everything the control plane says at Information goes to the captured output the redaction test greps.
            ["Logging__LogLevel__Default"] = "Information",
            ["Coder__Security__MutationsPerMinute"] = "100000",
            ["Coder__Security__MutationBurst"] = "100000",

            // The auth matrix sends well over a hundred failed authentications from this one address by design.
            ["Coder__Security__AnonymousPerMinute"] = "100000",
            ["Coder__Security__AnonymousBurst"] = "100000",
        });
        await HostStart.StartOrDisposeAsync(Host);
        using var admin = Host.Admin();
        await admin.CreateTemplateAsync(SleepyTemplate(Sleepy));

        var tokens = new Dictionary<string, string>
        {
            ["alice"] = await CreateTokenAsync(admin, "alice", "alice", "member"),
            ["bob"] = await CreateTokenAsync(admin, "bob", "bob", "member"),
            ["tess"] = await CreateTokenAsync(admin, "tess", "tess", "template-admin"),
            ["root"] = await CreateTokenAsync(admin, "root", "root", "admin"),
            ["revoked"] = await CreateTokenAsync(admin, "gone", "alice", "admin"),
            ["expired"] = await WriteExpiredTokenAsync(),
        };
        var revoke = await admin.DeleteAsync("/api/tokens/gone");
        if (revoke.Status != HttpStatusCode.NoContent) throw new InvalidOperationException($"Revoking failed: {revoke}");
        Tokens = tokens;

        using var alice = Api("alice");
        using var bob = Api("bob");
        var created = await alice.PostAsync("/api/workspaces", $$"""{"name":"dev","template":"{{Sleepy}}"}""");
        if (created.Status != HttpStatusCode.Accepted) throw new InvalidOperationException($"Workspace creation failed: {created}");
        AliceWorkspace = (string)created.Json["id"]!;
        AliceOperation = (string)created.Json["operation"]!["id"]!;
        BobWorkspace = await bob.CreateWorkspaceAsync("dev", Sleepy);
        await AgentTokenOfAsync(AliceWorkspace);
        await AgentTokenOfAsync(BobWorkspace);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _storage.DisposeAsync();
        try { Directory.Delete(RepositoryRoot, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public CoderApi Api(string who) => new(Host.BaseUrl, Tokens[who]);

    /// <summary>The agent token a live agent of the workspace was started with, read from its environment as an attacker on the box could.</summary>
    public async Task<string> AgentTokenOfAsync(string workspaceId, string? notThis = null) =>
        await Eventually.WaitAsync(
            () => Task.FromResult(AgentProcesses.Under(Host.DataDirectory, workspaceId).Select(p => AgentEnvironment(p.Pid, "CODER_AGENT_TOKEN")).FirstOrDefault(t => t is not null && t != notThis)),
            t => t is not null, TimeSpan.FromSeconds(120), $"an agent of {workspaceId}") ?? "";

    public static string? AgentEnvironment(int pid, string name)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0')
                .FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static string SleepyTemplate(string name) => $$"""
        {
          "name": "{{name}}",
          "provisioner": "local",
          "resources": { "cpu": 0.5, "memoryMiB": 256 },
          "limits": { "maxCpu": 1, "maxMemoryMiB": 1024, "maxReplicas": 2 },
          "startupScripts": [ { "name": "block", "script": "sleep 3000", "timeoutSeconds": 3000, "blocksReady": true } ],
          "agent": { "heartbeatSeconds": 2, "readyTimeoutSeconds": 3600 }
        }
        """;

    /// <summary>A client for a member of the test's own (a fresh user, so what it creates or limits touches no other test).</summary>
    public async Task<CoderApi> NewMemberAsync(string user) => new(Host.BaseUrl, await NewMemberTokenAsync(user));

    /// <summary>A member token for a fresh user (as <see cref="NewMemberAsync"/>), for a CLI to log in with.</summary>
    public async Task<string> NewMemberTokenAsync(string user)
    {
        using var admin = Host.Admin();
        return await CreateTokenAsync(admin, user, user, "member");
    }

    static async Task<string> CreateTokenAsync(CoderApi admin, string name, string user, string role)
    {
        var r = await admin.PostAsync("/api/tokens", $$"""{"name":"{{name}}","roles":["{{role}}"],"user":"{{user}}","expiresInDays":1}""");
        return r.Status == HttpStatusCode.Created ? (string)r.Json["token"]! : throw new InvalidOperationException($"Token creation failed: {r}");
    }

    /// <summary>A token whose expiry has passed, written as the service writes tokens (by hash), since no API makes one already expired.</summary>
    async Task<string> WriteExpiredTokenAsync()
    {
        string token = TokenHasher.NewToken(ApiTokenService.TokenPrefix);
        var table = new TableClient(_storage.ConnectionString, Host.Prefix + "ApiTokens");
        await table.AddEntityAsync(new TableEntity(TokenHasher.Hash(token), "")
        {
            ["Name"] = "old",
            ["User"] = "alice",
            ["Roles"] = "admin",
            ["CreatedAt"] = DateTimeOffset.UtcNow.AddDays(-2),
            ["ExpiresAt"] = DateTimeOffset.UtcNow.AddMinutes(-1),
            ["Revoked"] = false,
        });
        return token;
    }
}
