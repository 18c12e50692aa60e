using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>
/// A local stand-in for Azure Resource Manager (and the Azure Files data plane) over HTTPS, started by the test.
/// It keeps resources in memory, answers with the official example responses, runs PUT/DELETE/POST actions as ARM
/// long-running operations (201/202 + Azure-AsyncOperation or Location, Retry-After, polling to Succeeded), validates
/// every Container Instances body against the official swagger, holds managed identities and role assignments at any
/// scope, and injects faults on request.
/// </summary>
public sealed partial class FakeArmServer : IAsyncDisposable
{
    public const string Subscription = "00000000-0000-0000-0000-0000000000c0";
    public const string ResourceGroup = "rg-coder-ws-test";
    public const string Location = "westeurope";
    public const string FilesAccount = "stcoderhome";

    readonly WebApplication _app;
    readonly X509Certificate2 _certificate;
    readonly ConcurrentQueue<(Func<HttpRequest, bool> Match, int Status)> _faults = new();
    readonly List<ArmCall> _calls = [];
    readonly Dictionary<string, JsonObject> _resources = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, PendingOperation> _operations = new(StringComparer.Ordinal);
    readonly Lock _gate = new();
    int _nextOperation;

    FakeArmServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public Uri Endpoint { get; private set; } = null!;

    public Uri FilesEndpoint => new(Endpoint, FilesAccount);

    /// <summary>Bodies the Container Instances swagger rejected; a contract test asserts this is empty.</summary>
    public ConcurrentQueue<string> ContractViolations { get; } = new();

    public SwaggerSchemaValidator ContainerGroupSchema { get; } =
        new(OfficialSpecs.Load("ContainerInstance/containerInstance.json"), "ContainerGroup");

    /// <summary>How many polls an operation answers "in progress" before it succeeds.</summary>
    public int PollsBeforeDone { get; set; } = 1;

    public IReadOnlyList<ArmCall> Calls
    {
        get
        {
            lock (_gate) return _calls.ToList();
        }
    }

    public void ClearCalls()
    {
        lock (_gate) _calls.Clear();
    }

    /// <summary>The next request that matches gets <paramref name="status"/> (429 with Retry-After: 0) instead of its answer.</summary>
    public void FailNext(Func<HttpRequest, bool> match, int status) => _faults.Enqueue((match, status));

    /// <summary>A transport that trusts exactly this server's certificate.</summary>
    public HttpPipelineTransport Transport() => new HttpClientTransport(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == _certificate.Thumbprint,
    });

    public JsonObject? Resource(string idSuffix)
    {
        lock (_gate) return _resources.FirstOrDefault(r => r.Key.EndsWith(idSuffix, StringComparison.OrdinalIgnoreCase)).Value?.DeepClone().AsObject();
    }

    /// <summary>
    /// Changes a stored resource as someone outside the platform would (the portal, the CLI, a redeploy by hand): the
    /// next GET answers with the change; nothing is recorded as a call.
    /// </summary>
    public void ChangeOutside(string idSuffix, Action<JsonObject> change)
    {
        lock (_gate) change(_resources.First(r => r.Key.EndsWith(idSuffix, StringComparison.OrdinalIgnoreCase)).Value);
    }

    public static async Task<FakeArmServer> StartAsync()
    {
        var certificate = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var server = new FakeArmServer(app, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return server;
    }

    async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync();
        var answer = Answer.Error(500, "NotImplemented", "The fake does not know this call.");
        if (request.Headers.Authorization.ToString() != "Bearer " + StaticTokenCredential.Token)
        {
            answer = Answer.Error(401, "AuthenticationFailed", "Missing or wrong bearer token.");
        }
        else if (TakeFault(request) is int fault)
        {
            answer = Answer.Error(fault, fault == 429 ? "TooManyRequests" : "InternalServerError", "Injected by the test.");
            if (fault == 429) answer.Headers["Retry-After"] = "0";
        }
        else
        {
            lock (_gate) answer = Route(request, body);
        }

        lock (_gate) _calls.Add(new ArmCall(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", body.Length == 0 ? null : body, answer.Status, $"{request.Method} {Tail(request)} → {answer.Status}"));
        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers) context.Response.Headers[name] = value;
        if (answer.Body is not null)
        {
            context.Response.ContentType = answer.ContentType;
            await context.Response.WriteAsync(answer.Body);
        }
    }

    int? TakeFault(HttpRequest request)
    {
        lock (_gate)
        {
            int count = _faults.Count;
            for (int i = 0; i < count; i++)
            {
                if (!_faults.TryDequeue(out var fault)) break;
                if (fault.Match(request)) return fault.Status;
                _faults.Enqueue(fault);
            }
        }

        return null;
    }

    Answer Route(HttpRequest request, string body)
    {
        string path = request.Path.Value ?? "";
        if (path.StartsWith("/" + FilesAccount + "/", StringComparison.Ordinal)) return Files(request, path[(FilesAccount.Length + 2)..]);
        if (IsRoleAssignmentCall(path)) return RoleAssignmentCall(request, path, body);
        string[] s = path.Trim('/').Split('/');
        if (request.Method == "GET") PollOperationsOf(path);
        if (s.Length >= 6 && s[^2].Equals("operations", StringComparison.OrdinalIgnoreCase)) return PollAsyncOperation(s[^1]);
        if (s.Length >= 6 && s[^2].Equals("operationResults", StringComparison.OrdinalIgnoreCase)) return PollLocation(s[^1]);
        if (s.Length == 5 && s[4].Equals("resources", StringComparison.OrdinalIgnoreCase)) return ListByTag(request.Query["$filter"].ToString());
        if (s.Length < 8) return Answer.Error(404, "NotFound", path);
        string ns = s[5];
        return ns.ToLowerInvariant() switch
        {
            "microsoft.containerinstance" => ContainerGroups(request, s, body),
            "microsoft.compute" => Compute(request, s, body),
            "microsoft.network" => NetworkInterfaces(request, s, body),
            "microsoft.storage" => Shares(request, s, body),
            "microsoft.managedidentity" => UserAssignedIdentities(request, s, body),
            "microsoft.relay" => HybridConnectionCall(request, s, body),
            _ => Answer.Error(404, "NotFound", path),
        };
    }

    static string ResourceId(string[] segments, int count) => "/" + string.Join('/', segments.Take(count));

    /// <summary>A short, stable name for a call: the resource path after the provider namespace, plus the options that matter.</summary>
    static string Tail(HttpRequest request)
    {
        string path = request.Path.Value ?? "";
        if (path.StartsWith("/" + FilesAccount + "/", StringComparison.Ordinal))
        {
            string q = request.Query.ContainsKey("comp") ? "?comp=" + request.Query["comp"] : "";
            if (request.Headers.ContainsKey("x-ms-copy-source")) q += " copy";
            return "files " + path[(FilesAccount.Length + 2)..] + q;
        }

        if (IsRoleAssignmentCall(path)) return "roleAssignment on " + ScopeTail(path[..path.IndexOf(RoleAssignmentsSegment, StringComparison.OrdinalIgnoreCase)]);
        string[] s = path.Trim('/').Split('/');
        if (s.Length >= 2 && s[^2] is "operations" or "operationResults") return "operation";
        if (s.Length == 5 && s[4] == "resources") return "resources";
        string tail = s.Length > 6 ? string.Join('/', s.Skip(6)) : path;
        int shares = tail.IndexOf("shares", StringComparison.Ordinal);
        if (shares >= 0) tail = tail[shares..];
        foreach (string option in new[] { "$expand", "$include" })
        {
            if (request.Query.ContainsKey(option)) tail += $"?{option}={request.Query[option]}";
        }

        return tail;
    }

    /// <summary>A scope's last type and name (<c>shares/home-ws-1</c>, <c>queues/agent-events</c>): which resource a grant is on.</summary>
    static string ScopeTail(string scope)
    {
        string[] s = scope.Trim('/').Split('/');
        return s.Length >= 2 ? $"{s[^2]}/{s[^1]}" : scope;
    }

    Answer ListByTag(string filter)
    {
        // Supports the filter the provisioners send: tagName eq '<tag>' and resourceType eq '<type>'.
        string? tag = Between(filter, "tagName eq '", "'");
        string? type = Between(filter, "resourceType eq '", "'");
        var value = new JsonArray();
        foreach (var (_, resource) in _resources)
        {
            if (tag is not null && resource["tags"]?[tag] is null) continue;
            if (type is not null && !string.Equals((string?)resource["type"], type, StringComparison.OrdinalIgnoreCase)) continue;
            value.Add(new JsonObject
            {
                ["id"] = resource["id"]!.DeepClone(),
                ["name"] = resource["name"]!.DeepClone(),
                ["type"] = resource["type"]!.DeepClone(),
                ["location"] = resource["location"]?.DeepClone(),
                ["tags"] = resource["tags"]?.DeepClone(),
            });
        }

        return Answer.Json(200, new JsonObject { ["value"] = value });
    }

    static string? Between(string text, string start, string end)
    {
        int a = text.IndexOf(start, StringComparison.OrdinalIgnoreCase);
        if (a < 0) return null;
        a += start.Length;
        int b = text.IndexOf(end, a, StringComparison.Ordinal);
        return b < 0 ? null : text[a..b];
    }

    /// <summary>Starts an operation that completes after <see cref="PollsBeforeDone"/> polls and adds its headers to the answer.</summary>
    /// <param name="resource">The resource a PUT or PATCH provisions: reading it polls the operation too.</param>
    /// <param name="both">Send Azure-AsyncOperation and Location, as Compute does for VM actions.</param>
    Answer LongRunning(Answer answer, string provider, Action complete, bool location = false, bool both = false, string? resource = null)
    {
        string id = $"op{Interlocked.Increment(ref _nextOperation)}";
        _operations[id] = new PendingOperation(PollsBeforeDone, complete, resource);
        string kind = location ? "operationResults" : "operations";
        string url = new Uri(Endpoint, $"subscriptions/{Subscription}/providers/{provider}/locations/{Location}/{kind}/{id}?api-version=fake").ToString();
        answer.Headers[location ? "Location" : "Azure-AsyncOperation"] = url;
        if (both) answer.Headers["Location"] = new Uri(Endpoint, $"subscriptions/{Subscription}/providers/{provider}/locations/{Location}/operationResults/{id}?api-version=fake").ToString();
        answer.Headers["Retry-After"] = "0";
        return answer;
    }

    Answer PollAsyncOperation(string id)
    {
        if (!_operations.TryGetValue(id, out var op)) return Answer.Error(404, "NotFound", id);
        if (!op.Poll()) return Answer.Json(200, new JsonObject { ["name"] = id, ["status"] = "InProgress" }, retryAfter: true);
        return Answer.Json(200, new JsonObject { ["name"] = id, ["status"] = "Succeeded" });
    }

    Answer PollLocation(string id)
    {
        if (!_operations.TryGetValue(id, out var op)) return Answer.Error(404, "NotFound", id);
        if (op.Poll()) return new Answer(200, "{}");
        var pending = new Answer(202, null);
        pending.Headers["Retry-After"] = "0";
        return pending;
    }

    /// <summary>
    /// A GET of a resource polls the operations provisioning it. Azure.Core does exactly this for a PATCH answered
    /// 200: it ignores Azure-AsyncOperation and Location and polls the resource until its provisioningState is
    /// terminal (NextLinkOperationImplementation.ShouldIgnoreHeader), as the ARM RPC allows.
    /// </summary>
    void PollOperationsOf(string path)
    {
        foreach (var op in _operations.Values)
        {
            if (!op.Done && op.ResourceId is { } id && string.Equals(id, path.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)) op.Poll();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=fake-arm", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
