using Coder.Functions.Http;
using Coder.Local.Durable;
using Coder.Local.FunctionHost;
using Coder.Local.Relay;
using Coder.Local.Storage;
using Coder.Orchestrations.Reconciliation;
using Coder.Orchestrations.Telemetry;

namespace Coder.Local.Hosting;

/// <summary>
/// The local host: the functions of Coder.Functions on one machine (ARCHITECTURE.md §2). Storage is the configured
/// connection string or the embedded Azurite; the durable engine is its own sidecar. Program.cs runs it; tests start it
/// in-process when they must hand it services of their own (a fake ARM's transport and credential).
/// </summary>
public sealed class LocalHost : IAsyncDisposable
{
    readonly EmbeddedAzurite? _azurite;
    readonly ILoggerFactory _sidecarLogs;
    readonly DurableSidecar _sidecar;

    LocalHost(WebApplication app, string apiUrl, EmbeddedAzurite? azurite, ILoggerFactory sidecarLogs, DurableSidecar sidecar)
    {
        App = app;
        ApiUrl = apiUrl;
        _azurite = azurite;
        _sidecarLogs = sidecarLogs;
        _sidecar = sidecar;
    }

    public WebApplication App { get; }

    /// <summary>Where the API listens, without the <c>/api</c> prefix.</summary>
    public string ApiUrl { get; }

    /// <summary>Starts storage and the durable sidecar, then builds the app from <paramref name="builder"/> (not started).</summary>
    public static async Task<LocalHost> BuildAsync(WebApplicationBuilder builder, CancellationToken cancellationToken)
    {
        var config = builder.Configuration;
        string dataDirectory = Path.GetFullPath(config["Coder:Local:DataDirectory"] ?? ".coder");
        Directory.CreateDirectory(dataDirectory);
        string apiUrl = (config["urls"] ?? "http://127.0.0.1:7071").Split(';')[0].TrimEnd('/');

        // Storage: CODER_STORAGE, or the embedded Azurite with its data in the data folder.
        EmbeddedAzurite? azurite = string.IsNullOrEmpty(config["Coder:Storage:ConnectionString"])
            ? await EmbeddedAzurite.StartAsync(Path.Combine(dataDirectory, "azurite"), cancellationToken)
            : null;
        ILoggerFactory? sidecarLogs = null;
        try
        {
            string storage = config["Coder:Storage:ConnectionString"] ?? azurite!.ConnectionString;
            var (adminToken, adminTokenPath) = AdminTokenFile.Resolve(config["Coder:Security:AdminToken"], dataDirectory);

            // The relay: CODER_RELAY_URL (with its key), or the local relay process, started or reused (never stopped here).
            var relay = string.IsNullOrEmpty(config["Coder:Relay:Url"])
                ? await LocalRelay.StartOrReuseAsync(dataDirectory, RelayPort(config), cancellationToken)
                : null;
            if (relay is not null)
            {
                config.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Coder:Relay:Url"] = relay.Url,
                    ["Coder:Relay:KeyName"] = LocalRelay.KeyName,
                    ["Coder:Relay:Key"] = relay.Keys.Key,
                    ["Coder:Relay:SendKeyName"] = relay.Keys.SendKey is null ? null : LocalRelay.SendKeyName,
                    ["Coder:Relay:SendKey"] = relay.Keys.SendKey,
                });
            }

            config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Coder:Storage:ConnectionString"] = storage,
                ["Coder:Security:AdminToken"] = adminToken,
                ["Coder:Local:DataDirectory"] = dataDirectory,
                ["Coder:Agent:ControlPlaneUrl"] = config["Coder:Agent:ControlPlaneUrl"] ?? apiUrl,
                ["urls"] = apiUrl,

                // Timer schedules are settings (as in Azure Functions); the reconciler runs every 30 s unless told otherwise.
                ["CODER_RECONCILE_SCHEDULE"] = config["CODER_RECONCILE_SCHEDULE"] ?? ReconcileOptions.DefaultSchedule,
            });

            sidecarLogs = LoggerFactory.Create(l => l.AddConfiguration(config.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
            var sidecarOptions = new DurableSidecarOptions
            {
                TaskHub = LocalHostNames.TaskHub(config["Coder:Storage:Prefix"] ?? "", config["Coder:TaskHub"] ?? "coder"),
                SocketDirectory = Path.Combine(dataDirectory, "durable"),
            };
            var sidecar = await DurableSidecar.StartAsync(storage, sidecarOptions, sidecarLogs, cancellationToken);

            var functions = FunctionCatalog.Discover(typeof(ApiPipeline).Assembly);
            builder.Services.AddCoderLocalHost(functions, sidecar);
            builder.Services.AddCoderTelemetry(builder.Configuration);
            if (relay is not null)
            {
                int relayPort = RelayPort(config);
                builder.Services.AddHostedService(sp => new LocalRelayWatchdog(dataDirectory, relayPort, TimeProvider.System, sp.GetRequiredService<ILogger<LocalRelayWatchdog>>()));
            }

            var app = builder.Build();
            var signIn = new AdminSignInLink(apiUrl);
            app.UseLocalHostConventions();
            app.MapAdminSignIn(signIn, adminToken);
            HttpFunctionEndpoints.Map(app, functions);
            app.MapLocalFunctions(functions);
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                Console.WriteLine($"Coder Cloud local host listening on {apiUrl}/api (task hub {sidecarOptions.TaskHub}, data in {dataDirectory})");
                Console.WriteLine(adminTokenPath is null ? "Admin token: from CODER_ADMIN_TOKEN" : $"Admin token: in {adminTokenPath}");
                Console.WriteLine($"Serving {functions.Count} functions.");
                Console.WriteLine($"Dashboard: sign in once with {signIn.Url}");
                Console.WriteLine(relay is null
                    ? $"Relay: {config["Coder:Relay:Url"]} (CODER_RELAY_URL)"
                    : $"Relay: {relay.Url} ({relay.How}, pid {relay.Pid}; data in {Path.Combine(dataDirectory, "relay")})");
            });
            return new LocalHost(app, apiUrl, azurite, sidecarLogs, sidecar);
        }
        catch
        {
            sidecarLogs?.Dispose();
            if (azurite is not null) await azurite.DisposeAsync();
            throw;
        }
    }

    static int RelayPort(IConfiguration config) =>
        int.TryParse(config["CODER_RELAY_PORT"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536
            ? port
            : LocalRelay.DefaultPort;

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await _sidecar.DisposeAsync();
        _sidecarLogs.Dispose();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
