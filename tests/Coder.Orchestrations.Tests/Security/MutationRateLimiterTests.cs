using Coder.Orchestrations.Security;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Security;

public sealed class MutationRateLimiterTests
{
    [Fact]
    public void TryAcquire_AfterTheBurst_RefusesWithRetryAfter_ThenRefills()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var limiter = new MutationRateLimiter(Options.Create(new SecurityOptions { MutationsPerMinute = 60, MutationBurst = 2 }), time);

        Assert.True(limiter.TryAcquire("token:a").Allowed);
        Assert.True(limiter.TryAcquire("token:a").Allowed);
        var refused = limiter.TryAcquire("token:a");
        Assert.False(refused.Allowed);
        Assert.Equal(1, refused.RetryAfter.TotalSeconds, 3);

        // Other keys are not affected.
        Assert.True(limiter.TryAcquire("token:b").Allowed);

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(0.5, limiter.TryAcquire("token:a").RetryAfter.TotalSeconds, 3);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire("token:a").Allowed);
        Assert.False(limiter.TryAcquire("token:a").Allowed);

        // A long pause refills to the burst, not beyond.
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(limiter.TryAcquire("token:a").Allowed);
        Assert.True(limiter.TryAcquire("token:a").Allowed);
        Assert.False(limiter.TryAcquire("token:a").Allowed);
    }
}
