using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Security;

/// <summary>
/// A token bucket per client address for anonymous and failed-authentication requests:
/// <see cref="SecurityOptions.AnonymousBurst"/> at once, refilled at <see cref="SecurityOptions.AnonymousPerMinute"/>.
/// An IPv6 client is counted by its /64, which is what one subscriber gets. Per instance, in memory, bounded.
/// </summary>
public sealed class AddressRateLimiter(IOptions<SecurityOptions> options, TimeProvider time)
{
    public const int MaxTrackedAddresses = 50_000;

    readonly TokenBuckets _buckets = new(time, MaxTrackedAddresses);

    public RateLimitDecision TryAcquire(IPAddress? address) =>
        _buckets.TryTake(KeyOf(address), Math.Max(options.Value.AnonymousBurst, 1), Math.Max(options.Value.AnonymousPerMinute, 1) / 60.0);

    /// <summary>"203.0.113.9", "2001:db8:1:2::/64", or "unknown" when the host does not know the address.</summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
