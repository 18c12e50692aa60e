using System.Net;
using Microsoft.AspNetCore.Http;

namespace Coder.Functions.Http;

/// <summary>
/// The address a request came from, for the per-address limit and the failed-authentication audit: the connection's.
/// In Azure Functions that is already the client's (the worker's forwarded-headers middleware takes the entry App
/// Service's front end appended to X-Forwarded-For). A local host behind its own reverse proxy sets
/// CODER_TRUST_FORWARDED_FOR, and then the header's last entry, the one that proxy appended, decides; whatever a
/// client put before it is the client's say.
/// </summary>
public static class ClientAddress
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    public static IPAddress? Of(HttpRequest request, bool trustForwardedFor)
    {
        if (trustForwardedFor && Last(request.Headers[ForwardedForHeader].ToString()) is { } forwarded) return forwarded;
        return request.HttpContext.Connection.RemoteIpAddress;
    }

    /// <summary>The last entry of the list, with or without a port ("203.0.113.9:51234", "[2001:db8::1]:443").</summary>
    static IPAddress? Last(string header)
    {
        int comma = header.LastIndexOf(',');
        string entry = header[(comma + 1)..].Trim();
        if (entry.Length is 0 or > 64) return null;
        if (IPAddress.TryParse(entry, out var address)) return address;
        return IPEndPoint.TryParse(entry, out var endpoint) ? endpoint.Address : null;
    }
}
