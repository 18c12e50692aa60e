using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Coder.Relay.Protocol;
using Coder.Relay.Tests.Infrastructure;

namespace Coder.Relay.Tests;

/// <summary>
/// The Service Bus SAS format the Hybrid Connections protocol names for its tokens
/// (https://learn.microsoft.com/azure/azure-relay/relay-hybrid-connections-protocol, "Security token"; the signature is
/// https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas#generate-a-shared-access-signature-token).
/// </summary>
public sealed class RelaySasTokenTests
{
    const string Resource = "http://127.0.0.1:5000/workspaces/ws-1";
    const string KeyName = "listen";
    const string Key = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";

    static string? KeyByName(string name) => name == KeyName ? Key : null;

    [Fact]
    public void Create_IsTheDocumentedFormat_SignedByTheDocumentedFormula()
    {
        var clock = new ShiftedTimeProvider(TimeSpan.Zero);

        string token = RelaySasToken.Create(Resource, KeyName, Key, TimeSpan.FromHours(1), clock);

        var match = System.Text.RegularExpressions.Regex.Match(token, "^SharedAccessSignature sr=(?<sr>[^&]+)&sig=(?<sig>[^&]+)&se=(?<se>[0-9]+)&skn=(?<skn>[^&]+)$");
        Assert.True(match.Success, token);
        string encodedResource = WebUtility.UrlEncode(Resource);
        Assert.Equal(encodedResource, match.Groups["sr"].Value);
        long expiry = long.Parse(match.Groups["se"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(expiry - clock.GetUtcNow().ToUnixTimeSeconds(), 3599, 3601);
        string expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes($"{encodedResource}\n{expiry}")));
        Assert.Equal(WebUtility.UrlEncode(expected), match.Groups["sig"].Value);
        Assert.Equal(KeyName, match.Groups["skn"].Value);
    }

    [Fact]
    public void Validate_AcceptsItsOwnResourceAndBelow_RefusesOthers()
    {
        string token = RelaySasToken.Create(Resource, KeyName, Key, TimeSpan.FromMinutes(5), TimeProvider.System);

        Assert.Equal(RelayTokenCheck.Valid, RelaySasToken.Validate(token, "workspaces/ws-1", KeyByName, TimeProvider.System));
        Assert.Equal(RelayTokenCheck.Valid, RelaySasToken.Validate(token, "workspaces/ws-1/replica-0", KeyByName, TimeProvider.System));
        Assert.Equal(RelayTokenCheck.WrongResource, RelaySasToken.Validate(token, "workspaces/ws-10", KeyByName, TimeProvider.System));
        Assert.Equal(RelayTokenCheck.WrongResource, RelaySasToken.Validate(token, "workspaces/ws-2", KeyByName, TimeProvider.System));
    }

    [Fact]
    public void Validate_RefusesATokenPastItsExpiry_ByTheInjectedClock()
    {
        string token = RelaySasToken.Create(Resource, KeyName, Key, TimeSpan.FromMinutes(5), TimeProvider.System);

        Assert.Equal(RelayTokenCheck.Valid, RelaySasToken.Validate(token, "workspaces/ws-1", KeyByName, new ShiftedTimeProvider(TimeSpan.FromMinutes(4))));
        Assert.Equal(RelayTokenCheck.Expired, RelaySasToken.Validate(token, "workspaces/ws-1", KeyByName, new ShiftedTimeProvider(TimeSpan.FromMinutes(6))));
    }

    [Fact]
    public void Validate_RefusesForgedAndMalformedTokens()
    {
        string token = RelaySasToken.Create(Resource, KeyName, Key, TimeSpan.FromMinutes(5), TimeProvider.System);
        string otherKey = RelaySasToken.Create(Resource, KeyName, "another-key", TimeSpan.FromMinutes(5), TimeProvider.System);
        string widened = token.Replace(WebUtility.UrlEncode(Resource), WebUtility.UrlEncode("http://127.0.0.1:5000/"), StringComparison.Ordinal);
        string unknownName = token.Replace("skn=listen", "skn=admin", StringComparison.Ordinal);

        Assert.Equal(RelayTokenCheck.BadSignature, RelaySasToken.Validate(otherKey, "workspaces/ws-1", KeyByName, TimeProvider.System));
        Assert.Equal(RelayTokenCheck.BadSignature, RelaySasToken.Validate(widened, "workspaces/ws-2", KeyByName, TimeProvider.System));
        Assert.Equal(RelayTokenCheck.UnknownKey, RelaySasToken.Validate(unknownName, "workspaces/ws-1", KeyByName, TimeProvider.System));
        Assert.Equal(RelayTokenCheck.Malformed, RelaySasToken.Validate("Bearer abc", "workspaces/ws-1", KeyByName, TimeProvider.System));
        Assert.Equal(RelayTokenCheck.Malformed, RelaySasToken.Validate(null, "workspaces/ws-1", KeyByName, TimeProvider.System));
    }
}
