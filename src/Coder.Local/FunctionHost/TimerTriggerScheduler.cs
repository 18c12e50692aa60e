using System.Globalization;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Coder.Orchestrations.State;
using Cronos;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Local.FunctionHost;

/// <summary>
/// Runs a timer-triggered function on its NCRONTAB schedule (six fields, with seconds; <c>%SETTING%</c> resolved from
/// configuration). Like the Functions host, one instance runs each occurrence: a blob lease guards a blob that records the
/// last occurrence run, so two local hosts on one storage account run every period exactly once between them.
/// </summary>
public sealed partial class TimerTriggerScheduler(
    FunctionDescriptor function,
    IServiceProvider services,
    StorageClientFactory storage,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<TimerTriggerScheduler> logger) : BackgroundService
{
    public const string LockContainer = "coder-locks";
    const string LastOccurrenceKey = "lastoccurrence";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = CronExpression.Parse(ResolveSchedule(function.Trigger!, configuration), CronFormat.IncludeSeconds);
        var container = storage.CreateBlobServiceClient().GetBlobContainerClient(storage.Prefix + LockContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        var blob = container.GetBlobClient($"timers/{function.Name}");
        DateTimeOffset? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
            if (next is null) return;
            await Task.Delay(next.Value - now, time, stoppingToken);
            try
            {
                if (await TryClaimAsync(blob, next.Value, stoppingToken))
                {
                    var info = new TimerInfo { IsPastDue = time.GetUtcNow() - next.Value > TimeSpan.FromSeconds(30), ScheduleStatus = new ScheduleStatus { Last = (last ?? next.Value).UtcDateTime, Next = schedule.GetNextOccurrence(next.Value, TimeZoneInfo.Utc)?.UtcDateTime ?? default, LastUpdated = time.GetUtcNow().UtcDateTime } };
                    await FunctionInvoker.InvokeAsync(function, services, info, null, stoppingToken);
                    last = next;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogTimerFailed(logger, function.Name, e);
            }
        }
    }

    /// <summary>True when this instance takes the occurrence: it holds the lease and no one ran this occurrence yet.</summary>
    static async Task<bool> TryClaimAsync(BlobClient blob, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        try
        {
            await blob.UploadAsync(BinaryData.FromString(""), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Exists already.
        }

        var lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(TimeSpan.FromSeconds(15), cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }

        try
        {
            var properties = await blob.GetPropertiesAsync(new Azure.Storage.Blobs.Models.BlobRequestConditions { LeaseId = lease.LeaseId }, cancellationToken);
            string stamp = occurrence.UtcTicks.ToString(CultureInfo.InvariantCulture);
            if (properties.Value.Metadata.TryGetValue(LastOccurrenceKey, out var done) && string.CompareOrdinal(done, stamp) >= 0 && done.Length == stamp.Length) return false;
            await blob.SetMetadataAsync(new Dictionary<string, string> { [LastOccurrenceKey] = stamp }, new Azure.Storage.Blobs.Models.BlobRequestConditions { LeaseId = lease.LeaseId }, cancellationToken);
            return true;
        }
        finally
        {
            await lease.ReleaseAsync(cancellationToken: CancellationToken.None);
        }
    }

    public static string ResolveSchedule(string schedule, IConfiguration configuration) =>
        SettingPattern().Replace(schedule, m => configuration[m.Groups[1].Value] ?? throw new InvalidOperationException($"The timer schedule setting '{m.Groups[1].Value}' is not set."));

    [GeneratedRegex("%([A-Za-z0-9_:.-]+)%")]
    private static partial Regex SettingPattern();

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed")]
    static partial void LogTimerFailed(ILogger logger, string function, Exception exception);
}
