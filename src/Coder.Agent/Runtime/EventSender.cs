using Coder.Agent.Diagnostics;
using Coder.Agent.Outbox;
using Coder.Agent.Transport;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Runtime;

/// <summary>
/// Drains the outbox through the transport in seq order. A failed send is retried with exponential backoff and jitter
/// (100 ms up to 30 s); only delivered events are acknowledged, so an outage or a crash loses nothing.
/// </summary>
public sealed class EventSender(EventOutbox outbox, IEventTransport transport, Action<string> onConfigVersion, TimeProvider time, ILogger logger)
{
    readonly Backoff _backoff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
    bool _offline;
    long _configVersionsHeard;

    /// <summary>How many replies so far told the control plane's config version (HTTP replies do; queue sends never).</summary>
    public long ConfigVersionsHeard => Interlocked.Read(ref _configVersionsHeard);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await outbox.WaitForEventsAsync(cancellationToken);
            if (!await SendOnceAsync(cancellationToken))
            {
                await Task.Delay(_backoff.Next(), time, cancellationToken);
            }
        }
    }

    /// <summary>Sends what is pending until the outbox is empty or <paramref name="timeout"/> passes; true when empty.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout, time);
        var backoff = new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));
        try
        {
            while (outbox.PendingCount > 0)
            {
                if (!await SendOnceAsync(cts.Token))
                {
                    await Task.Delay(backoff.Next(), time, cts.Token);
                }
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            Log.FlushIncomplete(logger, outbox.PendingCount);
            return false;
        }
    }

    /// <returns>False when the transport failed and the caller should back off.</returns>
    async Task<bool> SendOnceAsync(CancellationToken cancellationToken)
    {
        var batch = outbox.Peek(transport.MaxBatchSize);
        if (batch.Count == 0) return true;
        var result = await transport.SendAsync(batch, cancellationToken);
        if (result.Delivered > 0) outbox.Acknowledge(batch[result.Delivered - 1].Seq);
        if (result.ConfigVersion is not null)
        {
            Interlocked.Increment(ref _configVersionsHeard);
            onConfigVersion(result.ConfigVersion);
        }
        if (result.Error is not null)
        {
            if (!_offline) Log.TransportOffline(logger, outbox.PendingCount, result.Error);
            _offline = true;
            return false;
        }
        if (_offline) Log.TransportOnline(logger, outbox.PendingCount);
        _offline = false;
        _backoff.Reset();
        return true;
    }
}
