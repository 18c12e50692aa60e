namespace Coder.Contracts.Secrets;

/// <summary>PUT /api/users/me/secrets/{name}: the value, which no answer ever carries back.</summary>
public sealed record SecretValueRequest(string? Value);
