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
    public void Memory_IsBounded_WhateverTheNumberOfAddresses()
    {
        var limiter = Limiter(perMinute: 1, burst: 5);
        for (int i = 0; i < AddressRateLimiter.MaxTrackedAddresses + 5_000; i++)
            limiter.TryAcquire(new IPAddress(BitConverter.GetBytes(0x0A000000 + i)));
        Assert.InRange(limiter.TrackedAddresses, 1, AddressRateLimiter.MaxTrackedAddresses);

        // At the bound, buckets that have refilled are dropped first: an address still over its budget keeps its count.
        limiter = Limiter(perMinute: 1, burst: 5);
        for (int i = 0; i < AddressRateLimiter.MaxTrackedAddresses - 1; i++)
            limiter.TryAcquire(new IPAddress(BitConverter.GetBytes(0x0B000000 + i)));
        var busy = IPAddress.Parse("198.51.100.1");
        for (int i = 0; i < 5; i++) Assert.True(limiter.TryAcquire(busy).Allowed);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("198.51.100.2")).Allowed);
        Assert.Equal(2, limiter.TrackedAddresses);
        Assert.True(limiter.TryAcquire(busy).Allowed);
        Assert.False(limiter.TryAcquire(busy).Allowed);
    }
}
