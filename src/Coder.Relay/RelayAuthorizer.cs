using Coder.Relay.Protocol;
using Microsoft.AspNetCore.Http;

namespace Coder.Relay;

/// <summary>
/// Checks a request's token (<c>sb-hc-token</c> or the <c>ServiceBusAuthorization</c> header) for a path and right, with
/// the protocol's statuses: 401 when the token is missing, malformed or invalid (expired included), 403 when it is valid
/// but not for this path or this action.
/// </summary>
public sealed class RelayAuthorizer(RelayKeyRing keys, TimeProvider timeProvider)
{
    public int? Refuse(HttpRequest request, string path, RelayRights right) => Refuse(Token(request), path, right);

    public int? Refuse(string? token, string path, RelayRights right)
    {
        var check = RelaySasToken.Validate(token, path, name => keys.Find(name)?.Key, timeProvider);
        if (check == RelayTokenCheck.WrongResource) return StatusCodes.Status403Forbidden;
        if (check != RelayTokenCheck.Valid) return StatusCodes.Status401Unauthorized;
        return keys.Find(RelaySasToken.Parse(token)!.KeyName)!.Grants(right) ? null : StatusCodes.Status403Forbidden;
    }

    static string? Token(HttpRequest request) =>
        request.Query[HybridConnectionProtocol.TokenParameter].FirstOrDefault()
        ?? request.Headers[HybridConnectionProtocol.AuthorizationHeader].FirstOrDefault();
}
