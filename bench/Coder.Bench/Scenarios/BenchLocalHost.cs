using System.Net.Http.Headers;
using Coder.Local.Hosting;
using Coder.Local.Relay;
using Coder.Local.Storage;
using Coder.Orchestrations.Provisioning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Bench.Scenarios;

/// <summary>
/// The real local host (<see cref="LocalHost"/>: its HTTP endpoint, durable sidecar and queue listeners) in-process on the
/// bench's Azurite, with its own storage prefix, and optionally a bench platform (<see cref="NoOpProvisioner"/>, the fleet's) in place of the local one.
/// </summary>
public sealed class BenchLocalHost : IAsyncDisposable
{
    public const string AdminToken = "cdr_bench-admin-token-0123456789abcdef";

    /// <summary>Once a year: the reconciler and autoscaler timers stay out of what is measured.</summary>
    const string Never = "0 0 0 1 1 *";

    readonly LocalHost _host;

    readonly string _dataDirectory;

    BenchLocalHost(LocalHost host, string prefix, string dataDirectory)
    {
        _host = host;
        Prefix = prefix;
        _dataDirectory = dataDirectory;
        Api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(host.ApiUrl), Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public HttpClient Api { get; }

    public string Prefix { get; }

    /// <summary>The local host's data folder (workspaces and their agents' state and logs), under the bench's scratch folder.</summary>
    public string DataDirectory => _dataDirectory;

    public IServiceProvider Services => _host.App.Services;

    public static async Task<BenchLocalHost> StartAsync(BenchmarkContext context, IWorkspaceProvisioner? noOp, IReadOnlyDictionary<string, string?>? settings, CancellationToken cancellationToken)
    {
        string prefix = "bench" + Guid.NewGuid().ToString("N")[..6];
        string url = $"http://127.0.0.1:{FreePorts.Next()}";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(url);
        var config = new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = context.StorageConnectionString,
            ["Coder:Storage:Prefix"] = prefix,
            ["Coder:Security:AdminToken"] = AdminToken,
            ["Coder:Local:DataDirectory"] = Path.Combine(context.ScratchDirectory, prefix),
            ["urls"] = url,
            ["CODER_RECONCILE_SCHEDULE"] = Never,
            ["CODER_AUTOSCALE_SCHEDULE"] = Never,

            // Each bench host runs its own relay beside it, off the default port, and ends it (the host never does).
            ["CODER_RELAY_PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),

            // Warnings and above, as the bare-engine and raw-storage baselines log: the figures compare the product's work, not console writes.
            ["Logging:LogLevel:Default"] = "Warning",

            // One admin token drives the whole load: the limiter still runs on every mutation, it just never refuses.
            ["Coder:Security:MutationsPerMinute"] = "100000000",
            ["Coder:Security:MutationBurst"] = "100000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;
        builder.Configuration.AddInMemoryCollection(config);
        if (noOp is not null) builder.Host.UseServiceProviderFactory(new NoOpPlatformServiceProviderFactory(noOp));

        var host = await LocalHost.BuildAsync(builder, cancellationToken);
        await host.App.StartAsync(cancellationToken);
        return new BenchLocalHost(host, prefix, config["Coder:Local:DataDirectory"]!);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _host.App.StopAsync(CancellationToken.None);
        await _host.DisposeAsync();
        await LocalRelayFiles.KillAsync(_dataDirectory);
    }
}
