using System.Net;
using Coder.Functions.Http;
using Microsoft.AspNetCore.Http;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>Which address a request is counted against: the connection's, or behind a trusted proxy the last X-Forwarded-For entry.</summary>
public sealed class ClientAddressTests
{
    static HttpRequest Request(string? forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        if (forwardedFor is not null) context.Request.Headers[ClientAddress.ForwardedForHeader] = forwardedFor;
        return context.Request;
    }

    [Fact]
    public void ByDefault_TheConnectionDecides_AndTheHeaderIsTheClientsSay()
    {
        Assert.Equal(IPAddress.Parse("10.1.2.3"), ClientAddress.Of(Request("203.0.113.9"), trustForwardedFor: false));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), ClientAddress.Of(Request(null), trustForwardedFor: false));
    }

    [Theory]
    [InlineData("198.51.100.7, 203.0.113.9", "203.0.113.9")]
    [InlineData("203.0.113.9:51234", "203.0.113.9")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("203.0.113.9, not-an-address", "10.1.2.3")]
    [InlineData("", "10.1.2.3")]
    public void BehindATrustedProxy_TheLastForwardedEntryDecides(string header, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), ClientAddress.Of(Request(header), trustForwardedFor: true));
}
