using System.Globalization;
using System.Net;

namespace Coder.Cli.Connect;

/// <summary>One <c>--tcp [bind:]local:remote</c> of <c>coder port-forward</c>: listen on bind:local, forward to 127.0.0.1:remote in the workspace.</summary>
public sealed record ForwardSpec(IPAddress Bind, int LocalPort, int RemotePort)
{
    /// <summary>
    /// Parses <c>[bind:]local:remote</c>; bind is an IP address (IPv6 in brackets) or <c>localhost</c>, default 127.0.0.1.
    /// A local port of 0 takes any free port.
    /// </summary>
    /// <returns>The spec, or null with <paramref name="error"/> saying what is wrong.</returns>
    public static ForwardSpec? TryParse(string text, out string? error)
    {
        error = null;
        int last = text.LastIndexOf(':');
        int middle = last > 0 ? text.LastIndexOf(':', last - 1) : -1;
        if (last <= 0)
        {
            error = $"'{text}' is not [bind:]local:remote (e.g. 8080:80 or 127.0.0.1:8080:80)";
            return null;
        }

        string remoteText = text[(last + 1)..];
        string localText = middle >= 0 ? text[(middle + 1)..last] : text[..last];
        string bindText = middle >= 0 ? text[..middle] : "127.0.0.1";
        if (bindText.StartsWith('[') && bindText.EndsWith(']')) bindText = bindText[1..^1];
        else if (middle >= 0 && bindText.Contains(':', StringComparison.Ordinal))
        {
            error = $"'{text}': write an IPv6 bind address in brackets, e.g. [::1]:8080:80";
            return null;
        }

        IPAddress? bind = bindText == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(bindText, out var parsed) ? parsed : null;
        if (bind is null)
        {
            error = $"'{text}': '{bindText}' is not an IP address to bind";
            return null;
        }

        if (!TryPort(localText, allowZero: true, out int local))
        {
            error = $"'{text}': local port '{localText}' is not a number from 0 to 65535";
            return null;
        }

        if (!TryPort(remoteText, allowZero: false, out int remote))
        {
            error = $"'{text}': remote port '{remoteText}' is not a number from 1 to 65535";
            return null;
        }

        return new ForwardSpec(bind, local, remote);
    }

    static bool TryPort(string text, bool allowZero, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535 && (allowZero || port > 0);
}
