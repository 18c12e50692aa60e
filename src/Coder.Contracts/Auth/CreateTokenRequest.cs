namespace Coder.Contracts.Auth;

public sealed record CreateTokenRequest(string? Name, IReadOnlyList<string>? Roles, string? User, int? ExpiresInDays);
