using Coder.Contracts.Connect;
using System.Net;
using System.Text.Json;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Local.Storage;

namespace Coder.Agent.Tests.Infrastructure;

/// <summary>
/// <c>GET /api/agent/manifest</c> as API.md specifies it (bearer agent token, ETag = config version, 304 on If-None-Match),
/// served by the test so it can hand the agent any manifest and change it mid-run. The control plane's own endpoint is
/// covered by the end-to-end tests; here the subject is the agent.
/// </summary>
public sealed class ManifestEndpoint : IAsyncDisposable
{
    readonly HttpListener _listener = new();
    readonly Lock _gate = new();
    string _token;
    readonly string _initialToken;
    (string Token, AgentManifest Manifest)? _handover;
    int _unauthorized;
    int _confirms;
    readonly Task _serving;
    AgentManifest _manifest;
    int _fetches;
    int _relayTokens;

    public ManifestEndpoint(string token, AgentManifest manifest)
    {
        _token = token;
        _initialToken = token;
        _manifest = manifest;
        Port = FreePorts.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Full manifest bodies served (200s), not counting 304s.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>Answers <c>POST /api/agent/relay-token</c> for a replica; null (or no handler) is 404, as for a replica the token does not cover.</summary>
    public Func<int, RelayTokenResponse?>? RelayTokens { get; set; }

    /// <summary>What <c>GET /api/agent/ssh-keys</c> answers: the owner's public keys.</summary>
    public IReadOnlyList<string> SshKeys { get; set; } = [];

    /// <summary>Relay tokens handed out (200s).</summary>
    public int RelayTokensIssued => Volatile.Read(ref _relayTokens);

    /// <summary>Requests refused with 401 (a token that is not, or no longer, the valid one).</summary>
    public int Unauthorized => Volatile.Read(ref _unauthorized);

    /// <summary>Full manifest reads (no If-None-Match) with the handed-over token: the agent's confirm after personalizing.</summary>
    public int Confirms => Volatile.Read(ref _confirms);

    /// <summary>
    /// A warm-pool claim as the control plane does it: the next manifest request with the current token gets
    /// <paramref name="ownersManifest"/> with <paramref name="newToken"/> in it, and from then on only the new token is valid.
    /// </summary>
    public void HandOver(string newToken, AgentManifest ownersManifest)
    {
        lock (_gate) _handover = (newToken, ownersManifest);
    }

    public AgentManifest Manifest
    {
        get => Volatile.Read(ref _manifest);
        set => Volatile.Write(ref _manifest, value);
    }

    public static AgentManifest Create(string workspaceId, string configVersion, int heartbeatSeconds = 30, int metricsSeconds = 30,
        IReadOnlyList<ManifestScript>? scripts = null, IReadOnlyList<ManifestScript>? shutdownScripts = null, int readyTimeoutSeconds = 60,
        IReadOnlyList<AgentPlugin>? plugins = null) =>
        new(workspaceId, configVersion, scripts ?? [], new Dictionary<string, string>(), new AgentIntervals(heartbeatSeconds, metricsSeconds), plugins ?? [])
        {
            ShutdownScripts = shutdownScripts ?? [],
            ReadyTimeoutSeconds = readyTimeoutSeconds,
        };

    async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The agent hung up.
            }
        }
    }

    void Answer(HttpListenerContext context)
    {
        using var response = context.Response;
        bool manifestRequest = context.Request.HttpMethod == "GET" && context.Request.Url?.AbsolutePath == "/api/agent/manifest";
        lock (_gate)
        {
            if (context.Request.Headers["Authorization"] != "Bearer " + _token)
            {
                Interlocked.Increment(ref _unauthorized);
                response.StatusCode = 401;
                return;
            }

            if (manifestRequest && _handover is var (newToken, owners))
            {
                // The handover: this answer carries the new token, and the old one is revoked in the same step.
                _token = newToken;
                _handover = null;
                Manifest = owners;
                Write(response, JsonSerializer.SerializeToUtf8Bytes(owners with { Token = newToken }, CoderJsonContext.Default.AgentManifest));
                Interlocked.Increment(ref _fetches);
                return;
            }

            if (manifestRequest && context.Request.Headers["If-None-Match"] is null && Manifest.Token is null && _token != _initialToken) Interlocked.Increment(ref _confirms);
        }

        switch (context.Request.HttpMethod, context.Request.Url?.AbsolutePath)
        {
            case ("GET", "/api/agent/manifest"):
                break;
            case ("POST", "/api/agent/relay-token"):
                var request = JsonSerializer.Deserialize(context.Request.InputStream, CoderJsonContext.Default.RelayTokenRequest);
                if (request is not null && RelayTokens?.Invoke(request.Replica ?? 0) is { } token)
                {
                    Interlocked.Increment(ref _relayTokens);
                    Write(response, JsonSerializer.SerializeToUtf8Bytes(token, CoderJsonContext.Default.RelayTokenResponse));
                }
                else
                {
                    response.StatusCode = 404;
                }

                return;
            case ("GET", "/api/agent/ssh-keys"):
                Write(response, JsonSerializer.SerializeToUtf8Bytes(new AuthorizedKeysResponse(SshKeys), CoderJsonContext.Default.AuthorizedKeysResponse));
                return;
            default:
                response.StatusCode = 404;
                return;
        }

        var manifest = Manifest;
        string etag = $"\"{manifest.ConfigVersion}\"";
        response.Headers["ETag"] = etag;
        if (context.Request.Headers["If-None-Match"] == etag)
        {
            response.StatusCode = 304;
            return;
        }

        Write(response, JsonSerializer.SerializeToUtf8Bytes(manifest, CoderJsonContext.Default.AgentManifest));
        Interlocked.Increment(ref _fetches);
    }

    static void Write(HttpListenerResponse response, byte[] body)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
