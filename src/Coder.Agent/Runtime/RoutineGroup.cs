using Coder.Agent.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Runtime;

/// <summary>
/// Named long-running routines, as in Coder's agent: a routine that fails is logged and restarted with backoff
/// (100 ms to 10 s); one routine failing never stops the others.
/// </summary>
public sealed class RoutineGroup(TimeProvider time, ILogger logger)
{
    readonly List<Task> _running = [];

    public void Start(string name, Func<CancellationToken, Task> body, CancellationToken cancellationToken) =>
        _running.Add(Task.Run(() => SuperviseAsync(name, body, cancellationToken), CancellationToken.None));

    /// <summary>Completes when every routine has stopped (they stop when their token is cancelled).</summary>
    public Task WhenAllStoppedAsync() => Task.WhenAll(_running);

    async Task SuperviseAsync(string name, Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await body(cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.RoutineFailed(logger, name, ex);
            }
            try
            {
                await Task.Delay(backoff.Next(), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
