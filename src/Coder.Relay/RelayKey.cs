namespace Coder.Relay;

/// <summary>One shared access key: its name (the token's <c>skn</c>), secret and rights.</summary>
public sealed record RelayKey(string Name, string Key, IReadOnlyList<RelayRights> Rights)
{
    public bool Grants(RelayRights right) => Rights.Any(r => r.HasFlag(right));
}
