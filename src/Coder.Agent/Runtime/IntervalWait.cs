namespace Coder.Agent.Runtime;

/// <summary>Waits for an interval that may change while waiting.</summary>
public static class IntervalWait
{
    /// <summary>
    /// Waits until <paramref name="due"/>; returns false early when <paramref name="changed"/> fires (the caller then recomputes
    /// its due time from the new interval). Throws when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task<bool> UntilAsync(DateTimeOffset due, TimeProvider time, CancellationToken changed, CancellationToken cancellationToken)
    {
        var delay = due - time.GetUtcNow();
        if (delay <= TimeSpan.Zero) return true;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(changed, cancellationToken);
        try
        {
            await Task.Delay(delay, time, linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
