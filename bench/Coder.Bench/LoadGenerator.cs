using System.Collections.Concurrent;
using System.Diagnostics;

namespace Coder.Bench;

/// <summary>Closed-loop load: <c>clients</c> callers each run the operation back to back for a fixed time.</summary>
static class LoadGenerator
{
    public sealed record Outcome(int Count, double PerSecond, double P50Ms, double P99Ms);

    /// <param name="operation">Gets the caller's index and its call number; throws when the call failed.</param>
    public static async Task<Outcome> RunAsync(int clients, TimeSpan duration, Func<int, int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentBag<double>();
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (int call = 0; total.Elapsed < duration; call++)
            {
                long start = Stopwatch.GetTimestamp();
                await operation(client, call, cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        double seconds = total.Elapsed.TotalSeconds;
        var all = latencies.ToArray();
        return new Outcome(all.Length, all.Length / seconds, Percentiles.Of(all, 50), Percentiles.Of(all, 99));
    }
}
