namespace Coder.Contracts.Auth;

/// <summary>The token is shown once, here.</summary>
public sealed record TokenCreated(string Token, string Name, IReadOnlyList<string> Roles, string User, DateTimeOffset? ExpiresAt);
