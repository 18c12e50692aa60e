using System.Net;
using System.Security.Cryptography;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Provisioning.Azure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coder.Provisioning.Tests.AgentBinaries;

/// <summary>
/// A control plane's agent binary, published with its SHA-256 (the store side) and served on loopback at
/// <c>/api/agent/binary/linux-x64</c> (what curl in a workspace reaches). <see cref="Tamper"/> changes the served bytes
/// but not the published hash, as a compromised mirror or a corrupted download would.
/// </summary>
public sealed class AgentBinaryServer : IAgentBinaryStore, IAsyncDisposable
{
    readonly WebApplication _app;
    readonly byte[] _published;
    byte[] _served;
    bool _isPublished = true;

    AgentBinaryServer(WebApplication app, byte[] published)
    {
        _app = app;
        _published = published;
        _served = published;
    }

    public string ControlPlaneUrl { get; private set; } = "";

    public byte[] Published => _published;

    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(_published));

    /// <summary>How the provisioners find the download, as AddCoderAzureProvisioners wires it.</summary>
    public AgentDownloads Downloads => new(this, Options.Create(new AgentBootstrapOptions { ControlPlaneUrl = ControlPlaneUrl }));

    public static async Task<AgentBinaryServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new AgentBinaryServer(app, RandomNumberGenerator.GetBytes(4096));
        app.MapGet("/api/agent/binary/{platform}", (string platform) =>
            platform == AgentBinaryRoutes.LinuxX64 ? Results.Bytes(server._served, "application/octet-stream") : Results.NotFound());
        await app.StartAsync();
        server.ControlPlaneUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public void Tamper()
    {
        var tampered = (byte[])_published.Clone();
        tampered[^1] ^= 0xFF;
        _served = tampered;
    }

    /// <summary>As before the first <c>azd deploy</c>: nothing published.</summary>
    public void Unpublish() => _isPublished = false;

    public Task<AgentBinary?> FindAsync(string platform, CancellationToken cancellationToken) =>
        Task.FromResult(_isPublished && platform == AgentBinaryRoutes.LinuxX64 ? new AgentBinary(platform, Sha256, _published.Length, DateTimeOffset.UnixEpoch) : null);

    public Task<Stream> OpenReadAsync(AgentBinary binary, CancellationToken cancellationToken) => Task.FromResult<Stream>(new MemoryStream(_published));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
