using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Local.Relay;

/// <summary>
/// Keeps the local relay up while the host runs: when it stops answering <c>/healthz</c> (killed, crashed), the relay is
/// started again on the same port with the same keys, so the agents' listeners, which retry with backoff, come back on
/// their own and a new <c>coder ssh</c> works. The host still never stops the relay.
/// </summary>
public sealed partial class LocalRelayWatchdog(string dataDirectory, int port, TimeProvider timeProvider, ILogger<LocalRelayWatchdog> logger) : BackgroundService
{
    static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string url = $"http://127.0.0.1:{port}";
        using var timer = new PeriodicTimer(Period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (await LocalRelay.IsHealthyAsync(http, url, stoppingToken)) continue;
                try
                {
                    var relay = await LocalRelay.StartOrReuseAsync(dataDirectory, port, stoppingToken);
                    LogRelayRestarted(logger, relay.Url, relay.How, relay.Pid);
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or FileNotFoundException)
                {
                    LogRelayRestartFailed(logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; the relay stays.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The local relay stopped answering; relay {Url} {How} (pid {Pid})")]
    static partial void LogRelayRestarted(ILogger logger, string url, string how, int? pid);

    [LoggerMessage(Level = LogLevel.Error, Message = "The local relay stopped answering and could not be started again: {Reason}")]
    static partial void LogRelayRestartFailed(ILogger logger, string reason);
}
