using System.Globalization;

namespace Coder.Contracts.Connect;

/// <summary>The relay path (= hybrid connection name) of a workspace replica: <c>ws-{workspaceId}-{replica}</c>, lower case.</summary>
public static class RelayPaths
{
    public static string For(string workspaceId, int replica) =>
        string.Create(CultureInfo.InvariantCulture, $"ws-{workspaceId}-{replica}").ToLowerInvariant();
}
