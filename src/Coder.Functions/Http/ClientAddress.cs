using System.Net;
using Microsoft.AspNetCore.Http;

namespace Coder.Functions.Http;

/// <summary>
/// The address a request came from, for the per-address limit and the failed-authentication audit. Behind App Service
/// the connection is the front end's, and the front end appends the client's address to X-Forwarded-For: its last entry
/// is the one to believe (whatever the client put before it is the client's say). Elsewhere the connection decides.
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
