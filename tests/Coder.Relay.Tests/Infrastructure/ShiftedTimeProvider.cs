namespace Coder.Relay.Tests.Infrastructure;

/// <summary>The system clock moved by a fixed offset: tokens minted in the past, or a validator living in the future.</summary>
public sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
