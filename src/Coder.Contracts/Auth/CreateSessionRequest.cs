namespace Coder.Contracts.Auth;

/// <summary>A member signs in to the dashboard by exchanging an API token for a session cookie.</summary>
public sealed record CreateSessionRequest(string? Token);
