namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>A long-running operation of the fake: in progress for some polls, then it applies its effect once.</summary>
public sealed class PendingOperation(int polls, Action complete)
{
    bool _done;

    public int PollsLeft { get; set; } = polls;

    public void CompleteOnce()
    {
        if (_done) return;
        _done = true;
        complete();
    }
}
