namespace Coder.Connect.Protocol;

/// <summary>Bytes a session may still send before the peer grants more (the <c>window</c> frames).</summary>
public sealed class CreditWindow(int initial)
{
    readonly Lock _gate = new();
    int _available = initial;
    TaskCompletionSource? _granted;

    public void Grant(int bytes)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _available += bytes;
            waiter = _granted;
            _granted = null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>Takes between 1 and <paramref name="wanted"/> bytes of credit, waiting while none is left.</summary>
    public async ValueTask<int> TakeAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_available > 0)
                {
                    int taken = Math.Min(wanted, _available);
                    _available -= taken;
                    return taken;
                }

                _granted ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _granted.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }
}
