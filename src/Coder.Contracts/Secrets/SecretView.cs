namespace Coder.Contracts.Secrets;

/// <summary>A secret as the API shows it: its name and when it was set, never its value.</summary>
public sealed record SecretView(string Name, DateTimeOffset UpdatedAt);
