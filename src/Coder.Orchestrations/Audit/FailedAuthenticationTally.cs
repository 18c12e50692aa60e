namespace Coder.Orchestrations.Audit;

/// <summary>
/// The failed authentications of one address and minute counted on this instance and not written yet, and the turn to
/// write them: concurrent failures add up here and one write carries them all, instead of each queueing behind the others
/// for its own conditional write of the same row.
/// </summary>
sealed class FailedAuthenticationTally
{
    int _pending;

    public SemaphoreSlim Turn { get; } = new(1, 1);

    public string? LastRequestId { get; set; }

    public void Add() => Interlocked.Increment(ref _pending);

    /// <summary>Everything counted so far, which the caller now owes a write of.</summary>
    public int Take() => Interlocked.Exchange(ref _pending, 0);

    /// <summary>A write that failed gives its count back for the next one.</summary>
    public void GiveBack(int count) => Interlocked.Add(ref _pending, count);

    public bool Empty => Volatile.Read(ref _pending) == 0;
}
