using System.Globalization;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Local.Hosting;
using Coder.Local.Relay;
using Coder.Local.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.EndToEnd.Tests.Schedules;

/// <summary>
/// The real local host, in-process, with its <see cref="TimeProvider"/> replaced by a <see cref="ShiftedClock"/> (the one
/// seam every service reads time through): its functions, durable engine, relay and real agent processes, and a
/// reconciler that runs every <see cref="PeriodSeconds"/> s. In-process, because only so can the test hand it a clock.
/// </summary>
public sealed class ScheduleHost : IAsyncDisposable
{
    public const int PeriodSeconds = 2;

    /// <summary>Heartbeats keep real time while the control plane's clock jumps hours: repairs keyed to heartbeat age stay out of it.</summary>
    const string Patient = "100000";

    readonly LocalHost _host;

    ScheduleHost(LocalHost host, string dataDirectory, ShiftedClock clock)
    {
        _host = host;
        DataDirectory = dataDirectory;
        Clock = clock;
    }

    public ShiftedClock Clock { get; }

    public string DataDirectory { get; }

    public string BaseUrl => _host.ApiUrl;

    public CoderApi Admin() => new(BaseUrl, LocalHostProcess.AdminToken);

    public static async Task<ScheduleHost> StartAsync(string storageConnectionString)
    {
        string prefix = TestStorage.NewPrefix();
        string data = Path.Combine(Path.GetTempPath(), "coder-schedule-" + prefix);
        string url = $"http://127.0.0.1:{FreePorts.Next()}";
        var clock = new ShiftedClock();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = Environments.Production });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(url);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coder:Storage:ConnectionString"] = storageConnectionString,
            ["Coder:Storage:Prefix"] = prefix,
            ["Coder:Security:AdminToken"] = LocalHostProcess.AdminToken,
            ["Coder:Local:DataDirectory"] = data,
            ["Coder:Local:AgentPath"] = BuildOutputs.AgentDll,
            ["urls"] = url,
            ["CODER_RELAY_PORT"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["CODER_RECONCILE_SCHEDULE"] = $"*/{PeriodSeconds} * * * * *",
            ["CODER_AUTOSCALE_SCHEDULE"] = "0 0 0 1 1 *",
            ["Coder:Reconcile:DisconnectedAfterIntervals"] = Patient,
            ["Coder:Reconcile:RestartAfterIntervals"] = Patient,
            ["Coder:Reconcile:HungOperationSeconds"] = Patient,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddSingleton<TimeProvider>(clock);

        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var host = await LocalHost.BuildAsync(builder, startup.Token);
        var started = new ScheduleHost(host, data, clock);
        try
        {
            await host.App.StartAsync(startup.Token);
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.App.StopAsync();
        await _host.DisposeAsync();
        AgentProcesses.KillAllUnder(DataDirectory);
        await LocalRelayFiles.KillAsync(DataDirectory);
        try { Directory.Delete(DataDirectory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
