namespace Coder.Orchestrations.Connect;

/// <summary>A token for one relay path and one right, with where to use it.</summary>
public sealed record RelayGrant(string RelayUrl, string Path, string Token, DateTimeOffset ExpiresAt);
