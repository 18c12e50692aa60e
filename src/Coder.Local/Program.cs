using Coder.Functions.Http;
using Coder.Local.Durable;
using Coder.Local.FunctionHost;
using Coder.Local.Hosting;
using Coder.Local.Storage;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Telemetry;
using Coder.Orchestrations.Reconciliation;

// The local host: the functions of Coder.Functions on one machine. See ARCHITECTURE.md §2.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCoderEnvironment();
var config = builder.Configuration;

string dataDirectory = Path.GetFullPath(config["Coder:Local:DataDirectory"] ?? ".coder");
Directory.CreateDirectory(dataDirectory);
string apiUrl = (config["urls"] ?? "http://127.0.0.1:7071").Split(';')[0].TrimEnd('/');
using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(5));

// Storage: CODER_STORAGE, or the embedded Azurite with its data in the data folder.
await using EmbeddedAzurite? azurite = string.IsNullOrEmpty(config["Coder:Storage:ConnectionString"])
    ? await EmbeddedAzurite.StartAsync(Path.Combine(dataDirectory, "azurite"), startup.Token)
    : null;
string storage = config["Coder:Storage:ConnectionString"] ?? azurite!.ConnectionString;

var (adminToken, adminTokenPath) = AdminTokenFile.Resolve(config["Coder:Security:AdminToken"], dataDirectory);
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

using var sidecarLogs = LoggerFactory.Create(l => l.AddConfiguration(config.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
var sidecarOptions = new DurableSidecarOptions { TaskHub = LocalHostNames.TaskHub(config["Coder:Storage:Prefix"] ?? "", config["Coder:TaskHub"] ?? "coder") };
await using var sidecar = await DurableSidecar.StartAsync(storage, sidecarOptions, sidecarLogs, startup.Token);

var functions = FunctionCatalog.Discover(typeof(ApiPipeline).Assembly);
builder.Services.AddCoderLocalHost(functions, sidecar.Address);
builder.Services.AddCoderTelemetry(builder.Configuration);

var app = builder.Build();
app.UseLocalHostConventions();
HttpFunctionEndpoints.Map(app, functions);
app.MapLocalFunctions(functions);
app.Lifetime.ApplicationStarted.Register(() =>
{
    Console.WriteLine($"Coder Cloud local host listening on {apiUrl}/api (task hub {sidecarOptions.TaskHub}, data in {dataDirectory})");
    Console.WriteLine(adminTokenPath is null ? "Admin token: from CODER_ADMIN_TOKEN" : $"Admin token: in {adminTokenPath}");
    Console.WriteLine($"Serving {functions.Count} functions.");
});
await app.RunAsync();
