using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Coder.Relay;

/// <summary>
/// Senders waiting for their listener. The id in the accept address is 128 random bits: knowing it is what lets the
/// listener take the sender, so it is never logged.
/// </summary>
public sealed class RendezvousTable
{
    readonly ConcurrentDictionary<string, TaskCompletionSource<RendezvousOutcome>> _pending = new(StringComparer.Ordinal);

    public (string Id, Task<RendezvousOutcome> Outcome) Open()
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var outcome = new TaskCompletionSource<RendezvousOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = outcome;
        return (id, outcome.Task);
    }

    /// <summary>Takes the pending sender for the listener's answer; null when unknown or already gone (timed out).</summary>
    public TaskCompletionSource<RendezvousOutcome>? Take(string? id) =>
        id is not null && _pending.TryRemove(id, out var outcome) ? outcome : null;

    /// <summary>Gives up on a sender; false when its listener answered first.</summary>
    public bool Abandon(string id) => Take(id)?.TrySetCanceled() ?? false;
}
