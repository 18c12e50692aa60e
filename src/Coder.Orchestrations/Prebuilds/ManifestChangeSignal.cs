using System.Collections.Concurrent;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>
/// Wakes this instance's long-polling manifest requests of a workspace at once when a claim changes its manifest.
/// Another instance's claim is seen by the waiters' own re-reads instead (<see cref="AgentManifestWaiter.RecheckEvery"/>).
/// </summary>
public sealed class ManifestChangeSignal
{
    readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    public void Notify(string workspaceId)
    {
        if (_waiters.TryRemove(workspaceId, out var waiter)) waiter.TrySetResult();
    }

    /// <summary>Completes when <see cref="Notify"/> is called for the workspace, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(string workspaceId, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var waiter = _waiters.GetOrAdd(workspaceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await waiter.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Time to read again.
        }
    }
}
