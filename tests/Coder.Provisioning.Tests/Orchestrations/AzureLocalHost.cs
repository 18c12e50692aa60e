using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Coder.Local.Hosting;
using Coder.Local.Storage;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Provisioning.Tests.FakeArm;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Provisioning.Tests.Orchestrations;

/// <summary>
/// The real local host, in-process: its functions, its durable engine (the sidecar over Azure Storage on Azurite) and
/// its agent ingest, with the aci and vm provisioners pointed at a fake ARM through the host's own DI seam (the fake's
/// transport and a test credential). In-process, because a host process could neither trust the fake's certificate
/// nor take a test credential.
/// </summary>
public sealed class AzureLocalHost : IAsyncDisposable
{
    public const string AdminToken = "cdr_test-admin-token-0123456789abcdef";

    /// <summary>Once a year: the reconciler and autoscaler timers stay out of the operations under test.</summary>
    const string Never = "0 0 0 1 1 *";

    readonly LocalHost _host;
    readonly string _dataDirectory;

    AzureLocalHost(LocalHost host, FakeArmServer fake, string dataDirectory)
    {
        _host = host;
        Fake = fake;
        _dataDirectory = dataDirectory;
        Api = new HttpClient { BaseAddress = new Uri(host.ApiUrl), Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public FakeArmServer Fake { get; }

    /// <summary>The API as the admin calls it.</summary>
    public HttpClient Api { get; }

    public string BaseUrl => _host.ApiUrl;

    /// <summary>One of the host's services, for what a timer would run (retention) without waiting for the timer.</summary>
    public T Service<T>() where T : notnull => _host.App.Services.GetRequiredService<T>();

    public static async Task<AzureLocalHost> StartAsync(string storageConnectionString)
    {
        var fake = await FakeArmServer.StartAsync();
        string prefix = TestStorage.NewPrefix();
        string data = Path.Combine(Path.GetTempPath(), "coder-arm-" + prefix);
        string url = $"http://127.0.0.1:{FreePorts.Next()}";
        var azure = ArmContractTest.OptionsFor(fake);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = Environments.Production });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(url);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = storageConnectionString,
            ["Coder:Storage:Prefix"] = prefix,
            ["Coder:Security:AdminToken"] = AdminToken,
            ["Coder:Local:DataDirectory"] = data,
            ["urls"] = url,
            // The stand-in agent speaks the HTTP transport, so that is what the bootstrap environment must say.
            ["Coder:Agent:Transport"] = "http",
            ["CODER_RECONCILE_SCHEDULE"] = Never,
            // An external relay (as CODER_RELAY_URL), so this in-process host starts no relay process of its own.
            ["Coder:Relay:Url"] = "ws://127.0.0.1:9",
            ["Coder:Relay:KeyName"] = "coder-control-plane",
            ["Coder:Relay:Key"] = "not-a-real-relay-key",
            ["CODER_AUTOSCALE_SCHEDULE"] = Never,
            ["Coder:Azure:SubscriptionId"] = azure.SubscriptionId,
            ["Coder:Azure:ResourceGroup"] = azure.ResourceGroup,
            ["Coder:Azure:Location"] = azure.Location,
            ["Coder:Azure:AgentQueueId"] = azure.AgentQueueId,
            ["Coder:Azure:FilesAccount"] = azure.FilesAccount,
            ["Coder:Azure:FilesEndpoint"] = azure.FilesEndpoint!.ToString(),
            ["Coder:Azure:VmSubnetId"] = azure.VmSubnetId,
            ["Coder:Azure:VmAdminSshPublicKey"] = azure.VmAdminSshPublicKey,
            ["Coder:Azure:ArmEndpoint"] = azure.ArmEndpoint!.ToString(),
            ["Coder:Azure:RetryDelay"] = azure.RetryDelay.ToString("c", CultureInfo.InvariantCulture),
            ["Coder:Azure:MaxRetryDelay"] = azure.MaxRetryDelay.ToString("c", CultureInfo.InvariantCulture),
            ["Coder:Azure:PollInterval"] = azure.PollInterval.ToString("c", CultureInfo.InvariantCulture),
            ["Coder:Azure:OperationTimeout"] = azure.OperationTimeout.ToString("c", CultureInfo.InvariantCulture),
        });
        // The seam AddCoderAzureProvisioners documents: a host-registered credential and transport replace the defaults.
        builder.Services.AddSingleton<TokenCredential>(new StaticTokenCredential());
        builder.Services.AddSingleton<HttpPipelineTransport>(fake.Transport());

        // As on Azure, agents come from blob storage (where PublishAgentAsync puts one), not from the local build output.
        builder.Services.AddSingleton<IAgentBinaryStore, BlobAgentBinaryStore>();

        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await PublishAgentAsync(storageConnectionString, prefix, startup.Token);
        var host = await LocalHost.BuildAsync(builder, startup.Token);

        // CODER_RELAY_URL named a relay: the host uses it and starts none of its own (no relay folder, no process).
        if (Directory.Exists(Path.Combine(data, "relay"))) throw new InvalidOperationException("The host started a local relay although one was configured.");
        await host.App.StartAsync(startup.Token);
        return new AzureLocalHost(host, fake, data);
    }

    /// <summary>What azd's postdeploy hook does on Azure: the linux-x64 agent with its SHA-256 in the blob's metadata.</summary>
    static async Task PublishAgentAsync(string storageConnectionString, string prefix, CancellationToken cancellationToken)
    {
        byte[] agent = RandomNumberGenerator.GetBytes(1024);
        var container = new BlobContainerClient(storageConnectionString, prefix + BlobAgentBinaryStore.ContainerName);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await container.GetBlobClient(BlobAgentBinaryStore.BlobName(AgentBinaryRoutes.LinuxX64)).UploadAsync(new BinaryData(agent), new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string> { [BlobAgentBinaryStore.Sha256Metadata] = Convert.ToHexStringLower(SHA256.HashData(agent)) },
        }, cancellationToken);
    }

    public async Task<JsonNode> SendAsync(HttpMethod method, string path, string? body, int expectedStatus)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Api.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"{method} {path} answered {(int)response.StatusCode}, not {expectedStatus}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public Task<JsonNode> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null, 200);

    /// <summary>Waits for an operation to end and returns it; it must have succeeded.</summary>
    public async Task<JsonNode> WaitForOperationAsync(string operationId, TimeSpan timeout)
    {
        var operation = await Eventually.WaitAsync(() => GetAsync($"/api/operations/{operationId}"),
            o => (string?)o["status"] is "succeeded" or "failed" or "canceled", timeout, $"operation {operationId} to end");
        Assert.True((string?)operation["status"] == "succeeded", $"Operation {operationId}: {operation.ToJsonString()}");
        return operation;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _host.App.StopAsync();
        await _host.DisposeAsync();
        await Fake.DisposeAsync();
        try { Directory.Delete(_dataDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
