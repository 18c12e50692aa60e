using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Coder.Relay.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coder.Cli.Tests.Infrastructure;

/// <summary>
/// A stand-in for the control plane's routes the connect commands use, as issue #22's contract gives them:
/// <c>GET /api/workspaces</c>, <c>POST /api/workspaces/{id}/connect</c> (a 2-minute Send token for <c>ws-{id}-{replica}</c>,
/// signed with the relay's key; 409 for a stopped workspace) and <c>PUT /api/users/me/ssh-key</c>.
/// </summary>
public sealed class FakeControlPlane : IAsyncDisposable
{
    public const string Token = "cdr_test-user-token";

    /// <summary>The agents' connection cap its connect answers name: not the default 16, so a message that says it came from the answer.</summary>
    public const int MaxConnections = 3;

    readonly WebApplication _app;
    readonly ConcurrentQueue<string> _issuedSessions = new();
    readonly ConcurrentQueue<string> _issuedTokens = new();
    readonly ConcurrentQueue<string> _registeredKeys = new();

    public FakeControlPlane(Uri relay, RelayKeys keys, IReadOnlyList<(string Id, string Name, string Status)> workspaces)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                context.Response.StatusCode = 401;
                return;
            }

            await next(context);
        });
        _app.MapGet("/api/workspaces", () => Results.Json(new JsonObject
        {
            ["items"] = new JsonArray([.. workspaces.Select(w => (JsonNode)new JsonObject { ["id"] = w.Id, ["name"] = w.Name, ["status"] = w.Status })]),
        }));
        _app.MapPost("/api/workspaces/{id}/connect", async (string id, HttpRequest request) =>
        {
            if (workspaces.FirstOrDefault(w => w.Id == id) is not { Id: not null } workspace) return Problem(404, "Not Found", $"No workspace {id}.");
            if (workspace.Status != "running") return Problem(409, "Conflict", $"workspace is {workspace.Status}; `coder start {workspace.Name}`");
            var body = await JsonNode.ParseAsync(request.Body);
            int replica = (int?)body?["replica"] ?? 0;
            string path = $"ws-{id}-{replica}";
            string token = RelaySasToken.Create(HybridConnectionProtocol.Resource(relay, path), RelayKeys.SendKeyName, keys.SendKey, TimeSpan.FromMinutes(2), TimeProvider.System);
            string session = Guid.NewGuid().ToString();
            _issuedSessions.Enqueue(session);
            _issuedTokens.Enqueue(token);
            return Results.Json(new JsonObject
            {
                ["relayUrl"] = relay.ToString().Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/'),
                ["path"] = path,
                ["token"] = token,
                ["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(2).ToString("O"),
                ["sessionId"] = session,
                ["workspaceId"] = id,
                ["replica"] = replica,
                ["maxConnections"] = MaxConnections,
            });
        });
        _app.MapPut("/api/users/me/ssh-key", async (HttpRequest request) =>
        {
            string? key = (string?)(await JsonNode.ParseAsync(request.Body))?["publicKey"];
            string[] parts = key?.Split(' ') ?? [];
            if (parts.Length < 2 || parts[0] != "ssh-ed25519") return Problem(400, "Bad Request", "publicKey: not an ssh-ed25519 key");
            _registeredKeys.Enqueue(key!);
            string fingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(parts[1]))).TrimEnd('=');
            return Results.Json(new JsonObject { ["publicKey"] = key, ["fingerprint"] = fingerprint });
        });
    }

    public string Url => _app.Urls.First();

    public IReadOnlyList<string> IssuedSessions => [.. _issuedSessions];

    public IReadOnlyList<string> IssuedTokens => [.. _issuedTokens];

    public IReadOnlyList<string> RegisteredKeys => [.. _registeredKeys];

    public Task StartAsync() => _app.StartAsync();

    static IResult Problem(int status, string title, string detail) =>
        Results.Json(new JsonObject { ["title"] = title, ["status"] = status, ["detail"] = detail }, statusCode: status, contentType: "application/problem+json");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
