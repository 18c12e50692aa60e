namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>
/// A long-running operation of the fake: in progress for some polls, then it applies its effect once. An operation
/// that creates or updates a resource also advances when that resource itself is read, as in ARM, where the
/// resource's provisioningState moves on whichever URL the client polls.
/// </summary>
public sealed class PendingOperation(int polls, Action complete, string? resourceId)
{
    bool _done;

    public int PollsLeft { get; private set; } = polls;

    /// <summary>The resource whose provisioningState this operation drives, if any.</summary>
    public string? ResourceId { get; } = resourceId;

    public bool Done => _done;

    /// <summary>One poll: still in progress (false), or done, with its effect applied (true).</summary>
    public bool Poll()
    {
        if (PollsLeft > 0)
        {
            PollsLeft--;
            return false;
        }

        if (!_done)
        {
            _done = true;
            complete();
        }

        return true;
    }
}
