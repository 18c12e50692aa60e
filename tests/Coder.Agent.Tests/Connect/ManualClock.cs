namespace Coder.Agent.Tests.Connect;

/// <summary>A clock the test moves by hand.</summary>
sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
