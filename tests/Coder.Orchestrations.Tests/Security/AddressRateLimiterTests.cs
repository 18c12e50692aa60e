using System.Net;
using Coder.Orchestrations.Security;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Security;

public sealed class AddressRateLimiterTests
{
    readonly ManualTime _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    AddressRateLimiter Limiter(int perMinute = 60, int burst = 2) => new(Options.Create(new SecurityOptions { AnonymousPerMinute = perMinute, AnonymousBurst = burst }), _time);

    [Fact]
    public void AnAddress_GetsItsBurst_ThenWaits_AndAnIpv6ClientIsCountedByIts64()
    {
        var limiter = Limiter();
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2::10")).Allowed);
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2:ffff::99")).Allowed);
        var refused = limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2::1"));
        Assert.False(refused.Allowed);
        Assert.Equal(1, refused.RetryAfter.TotalSeconds, 3);

        // Another /64, and IPv4 (also when mapped into IPv6), are other clients.
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:3::1")).Allowed);
        Assert.True(limiter.TryAcquire(IPAddress.Parse("203.0.113.9")).Allowed);
        Assert.True(limiter.TryAcquire(IPAddress.Parse("::ffff:203.0.113.9")).Allowed);
        Assert.False(limiter.TryAcquire(IPAddress.Parse("203.0.113.9")).Allowed);
        Assert.Equal("203.0.113.9", AddressRateLimiter.KeyOf(IPAddress.Parse("::ffff:203.0.113.9")));
        Assert.Equal("2001:db8:1:2::/64", AddressRateLimiter.KeyOf(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2::1")).Allowed);
    }

    [Fact]
    public void Memory_IsBounded_WhateverTheNumberOfKeys()
    {
        const int max = 1_000;
        var buckets = new TokenBuckets(_time, max);
        for (int i = 0; i < 5 * max; i++) buckets.TryTake($"10.0.{i / 250}.{i % 250}", 5, 1 / 60.0);
        Assert.InRange(buckets.Count, 1, max);

        // At the bound, buckets that have refilled are dropped first: a key still over its budget keeps its count.
        buckets = new TokenBuckets(_time, max);
        for (int i = 0; i < max - 1; i++) buckets.TryTake($"11.0.{i / 250}.{i % 250}", 5, 1 / 60.0);
        for (int i = 0; i < 5; i++) Assert.True(buckets.TryTake("busy", 5, 1 / 60.0).Allowed);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(buckets.TryTake("new", 5, 1 / 60.0).Allowed);
        Assert.Equal(2, buckets.Count);
        Assert.True(buckets.TryTake("busy", 5, 1 / 60.0).Allowed);
        Assert.False(buckets.TryTake("busy", 5, 1 / 60.0).Allowed);
    }
}
